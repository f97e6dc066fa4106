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
#include <vector>

namespace dps::rt {

/// Built argument by argument, or all at once by `assign`, which reuses the
/// storage of the previous call: a caller that keeps one per thread packs a
/// training step's calls without allocating.
class PackedArguments {
public:
  PackedArguments() = default;
  PackedArguments(const PackedArguments &) = delete;
  PackedArguments &operator=(const PackedArguments &) = delete;

  void assign(const std::vector<KernelValue> &values);

  PackedArguments &memref(void *data, const std::vector<int64_t> &shape);
  PackedArguments &index(int64_t value);
  PackedArguments &f32(float value);

  /// Per argument, a pointer to its value, in call order (valid until the
  /// next change).
  void **data() const;
  size_t size() const { return entries.size(); }

private:
  enum class Kind : uint8_t { MemRef, Index, F32 };
  struct Entry {
    Kind kind;
    size_t offset; // in words (descriptors, indices) or floats
  };
  std::vector<Entry> entries;
  /// Every descriptor and index, one after another.
  std::vector<int64_t> words;
  std::vector<float> floats;
  // Made by data(), once `words` stops growing: per entry, a memref's
  // descriptor address (null for scalars), and the call's pointers.
  mutable std::vector<void *> descriptorPointers, pointers;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_PACKEDARGUMENTS_H
