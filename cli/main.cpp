// ikectl: the operator's command line over ikev2d's control socket. The
// work is in daemon/control/ikectl.cpp, where the tests reach it.

#include <iostream>
#include <string>
#include <vector>

#include "control/ikectl.hpp"

#ifndef IKEV2D_VERSION
#define IKEV2D_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  return ikev2d::control::run_ikectl(arguments, std::cout, std::cerr, IKEV2D_VERSION);
}
