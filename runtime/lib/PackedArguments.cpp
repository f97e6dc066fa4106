//===- PackedArguments.cpp - a kernel call's packed arguments -------------===//
#include "dps/runtime/PackedArguments.h"

using namespace dps::rt;

PackedArguments::PackedArguments(const std::vector<KernelValue> &values) {
  for (const KernelValue &value : values) {
    switch (value.kind) {
    case KernelValue::Kind::MemRef:
      memref(value.data, value.shape);
      break;
    case KernelValue::Kind::Index:
      index(value.integer);
      break;
    case KernelValue::Kind::F32:
      f32(value.real);
      break;
    }
  }
}

PackedArguments &PackedArguments::memref(void *data,
                                         const std::vector<int64_t> &shape) {
  static_assert(sizeof(void *) == sizeof(int64_t), "64-bit pointers");
  size_t rank = shape.size();
  std::vector<int64_t> &words = descriptors.emplace_back(3 + 2 * rank);
  words[0] = words[1] = reinterpret_cast<intptr_t>(data);
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    words[3 + d] = shape[d];
    words[3 + rank + d] = stride;
    stride *= shape[d];
  }
  pointers.push_back(&descriptorPointers.emplace_back(words.data()));
  return *this;
}

PackedArguments &PackedArguments::index(int64_t value) {
  pointers.push_back(&integers.emplace_back(value));
  return *this;
}

PackedArguments &PackedArguments::f32(float value) {
  pointers.push_back(&floats.emplace_back(value));
  return *this;
}
