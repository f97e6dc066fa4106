//===- Status.h - errors a user can act on ----------------------*- C++ -*-===//
#ifndef DPS_RUNTIME_STATUS_H
#define DPS_RUNTIME_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace dps::rt {

/// Success, or an error with a message that says what is wrong and where.
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status status;
    status.failure = std::move(message);
    return status;
  }
  bool ok() const { return !failure; }
  explicit operator bool() const { return ok(); }
  const std::string &message() const {
    static const std::string none;
    return failure ? *failure : none;
  }

private:
  std::optional<std::string> failure;
};

/// A value, or the error that prevented it.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  const Status &status() const { return status_; }
  T take() { return std::move(*value_); }

private:
  std::optional<T> value_;
  Status status_;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_STATUS_H
