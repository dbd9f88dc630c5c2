// Runs the real `rapport` binary (built beside the tests) in a temporary directory and
// captures its exit code, standard output and standard error.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../events/log_test_util.h"

namespace rapport::cli::testing {

struct Run {
  int code = -1;
  std::string out, err;
  nlohmann::json Json() const {
    INFO("stdout: " << out << "\nstderr: " << err);
    auto j = nlohmann::json::parse(out, nullptr, false);
    REQUIRE(!j.is_discarded());
    return j;
  }
  // JSON Lines.
  std::vector<nlohmann::json> Lines() const {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      REQUIRE(!j.is_discarded());
      v.push_back(j);
    }
    return v;
  }
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Cli {
 public:
  // A data directory "data" inside a fresh temporary directory.
  Cli() : data_(dir_.path() + "/data") {}

  const std::string& data() const { return data_; }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // rapport --data DATA args...  (stdin from `input`)
  Run operator()(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--data", data_});
    return Raw(std::move(args), input);
  }

  // rapport args... without --data.
  Run Raw(std::vector<std::string> args, const std::string& input = "") const {
    static int n = 0;
    std::string base = dir_.path() + "/run" + std::to_string(++n);
    std::ofstream(base + ".in", std::ios::binary) << input;
    // Everything the child needs is prepared before fork: between fork and exec a child of a
    // threaded process may only make async-signal-safe calls (a malloc there can wait forever
    // on a lock another thread held at the fork; it did under AddressSanitizer).
    const std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(RAPPORT_CLI));
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).substr(0, 13) != "RAPPORT_DATA=") env_strings.emplace_back(*e);
    }
    env_strings.emplace_back("RAPPORT_DATA=");
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int in = ::open(in_path.c_str(), O_RDONLY);
      int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execve(RAPPORT_CLI, argv.data(), envp.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = Slurp(base + ".out");
    r.err = Slurp(base + ".err");
    return r;
  }

  // Runs and requires exit code 0.
  Run Ok(std::vector<std::string> args, const std::string& input = "") const {
    Run r = (*this)(args, input);
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    INFO("rapport " << cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r;
  }

 private:
  events::TempDir dir_;
  std::string data_;
};

}  // namespace rapport::cli::testing
