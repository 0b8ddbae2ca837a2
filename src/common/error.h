// Errors: one hierarchy of exceptions, thrown only for failures that end the
// operation at hand (a config load, a table's load, a connection). Messages
// name what failed and where, and say what to do; they never carry secrets.
#pragma once

#include <stdexcept>
#include <string>

namespace tributary {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The project configuration is invalid; the message carries file:line:column.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A source (server/database) failed: connection, query, or unsupported data.
class SourceError : public Error {
 public:
  using Error::Error;
};

// A source failure that may pass when the same work is tried again: the
// server refused, reset or timed out the connection, is shutting down or
// starting, has too many connections, or aborted the transaction as a
// serialization failure or deadlock. Connectors classify (see docs/retries
// in docs/configuration.md); the runner retries these, never other errors.
class TransientSourceError : public SourceError {
 public:
  using SourceError::SourceError;
};

// The sink failed to create, write, or commit.
class SinkError : public Error {
 public:
  using Error::Error;
};

// The operation was cancelled (shutdown requested, sibling thread failed).
class CancelledError : public Error {
 public:
  using Error::Error;
};

}  // namespace tributary
