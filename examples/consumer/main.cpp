// A program that uses matchfund through its public headers only.
#include <matchfund/version.hpp>

#include <iostream>

int main() {
    std::cout << "matchfund " << matchfund::version_string << '\n';
    return 0;
}
