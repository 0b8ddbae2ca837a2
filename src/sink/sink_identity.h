// A sink's identity: a random id each sink creates once and keeps with its
// task state, so that what a task holds outside the sink (a CDC replication
// slot) can say which sink it belongs to. Copies of a sink share it.
#pragma once

#include <string>

namespace tributary {

// 32 lower-case hex digits from the system's random source.
std::string NewSinkIdentity();

}  // namespace tributary
