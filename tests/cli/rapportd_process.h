// A rapportd child process on a free loopback port, for tests of the real program.
#pragma once

#include <signal.h>

#include <chrono>
#include <thread>

#include "cli_harness.h"

namespace rapport::cli::testing {

// A rapportd child process on a free loopback port.
class Rapportd {
 public:
  Rapportd(const std::string& data, const std::string& log_path) : log_path_(log_path) {
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int err = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, 2);
      ::execl(RAPPORTD, RAPPORTD, "--data", data.c_str(), "--listen", "127.0.0.1:0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Wait for "msg=listening addr=127.0.0.1:PORT".
    for (int i = 0; i < 200 && port_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string log = Slurp(log_path);
      auto at = log.find("msg=listening addr=127.0.0.1:");
      if (at != std::string::npos) {
        auto start = at + std::string("msg=listening addr=127.0.0.1:").size();
        port_ = log.substr(start, log.find(' ', start) - start);
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return;
      }
    }
  }
  ~Rapportd() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::string address() const { return "127.0.0.1:" + port_; }
  bool listening() const { return !port_.empty(); }
  // Sends `sig` and returns the exit code.
  int Stop(int sig = SIGTERM) {
    if (!exited_) {
      ::kill(pid_, sig);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return exit_code_;
  }
  std::string log() const { return Slurp(log_path_); }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::string port_;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace rapport::cli::testing
