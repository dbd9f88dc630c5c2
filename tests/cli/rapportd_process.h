// A rapportd child process on a free loopback port, for tests of the real program.
#pragma once

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli_harness.h"

namespace rapport::cli::testing {

// A rapportd child process on a free loopback port.
class Rapportd {
 public:
  Rapportd(const std::string& data, const std::string& log_path, std::vector<std::string> more_args = {})
      : log_path_(log_path) {
    std::vector<std::string> args = {RAPPORTD, "--data", data, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), more_args.begin(), more_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int err = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, 2);
      ::execv(RAPPORTD, argv.data());
      ::_exit(127);
    }
    // Wait for "msg=listening addr=127.0.0.1:PORT" (a first start creates the workspace; under
    // a parallel test run that has taken over 10 s).
    for (int i = 0; i < 1200 && port_.empty(); ++i) {  // up to 60 s on a loaded machine
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
  // Whether the process is still running (reaps it, and records its exit code, if not).
  bool running() {
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  // For a failed check: whether it runs (or how it ended) and its log as it is now.
  std::string Describe() {
    bool alive = running();
    return std::string("rapportd ") + (alive ? "is running" : "exited with " + std::to_string(exit_code_)) +
           "; its log:\n" + log();
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::string port_;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace rapport::cli::testing
