#include <iostream>

int main() {
  std::cout << "tributary " << TRIBUTARY_VERSION << "\n";
  return 0;
}
