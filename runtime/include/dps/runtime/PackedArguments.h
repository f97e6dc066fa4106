//===- PackedArguments.h - a kernel call's packed arguments -----*- C++ -*-===//
//
// MLIR's packed calling convention, which every dps kernel entry point
// (`_mlir__mlir_ciface_<kernel>(void **args)`) takes: one pointer per
// argument, to the scalar or, for a memref, to a pointer to its descriptor
// `{allocated, aligned, offset, sizes[N], strides[N]}` over caller-owned
// row-major data. Shared by the JIT and the shared-object backend.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_PACKEDARGUMENTS_H
#define DPS_RUNTIME_PACKEDARGUMENTS_H

#include "dps/runtime/KernelBackend.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace dps::rt {

class PackedArguments {
public:
  PackedArguments() = default;
  explicit PackedArguments(const std::vector<KernelValue> &values);

  PackedArguments &memref(void *data, const std::vector<int64_t> &shape);
  PackedArguments &index(int64_t value);
  PackedArguments &f32(float value);

  /// Per argument, a pointer to its value, in call order.
  void **data() const { return const_cast<void **>(pointers.data()); }
  size_t size() const { return pointers.size(); }

private:
  std::deque<std::vector<int64_t>> descriptors;
  std::deque<void *> descriptorPointers;
  std::deque<int64_t> integers;
  std::deque<float> floats;
  std::vector<void *> pointers;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_PACKEDARGUMENTS_H
