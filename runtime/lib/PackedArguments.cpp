//===- PackedArguments.cpp - a kernel call's packed arguments -------------===//
#include "dps/runtime/PackedArguments.h"

using namespace dps::rt;

void PackedArguments::assign(const std::vector<KernelValue> &values) {
  entries.clear();
  words.clear();
  floats.clear();
  for (const KernelValue &value : values) {
    switch (value.kind) {
    case KernelValue::Kind::MemRef:
      memref(value.data, *value.shape);
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
  size_t rank = shape.size(), at = words.size();
  entries.push_back({Kind::MemRef, at});
  words.resize(at + 3 + 2 * rank);
  int64_t *descriptor = words.data() + at;
  descriptor[0] = descriptor[1] = reinterpret_cast<intptr_t>(data);
  descriptor[2] = 0;
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    descriptor[3 + d] = shape[d];
    descriptor[3 + rank + d] = stride;
    stride *= shape[d];
  }
  return *this;
}

PackedArguments &PackedArguments::index(int64_t value) {
  entries.push_back({Kind::Index, words.size()});
  words.push_back(value);
  return *this;
}

PackedArguments &PackedArguments::f32(float value) {
  entries.push_back({Kind::F32, floats.size()});
  floats.push_back(value);
  return *this;
}

void **PackedArguments::data() const {
  // Sized first: a memref's pointer points into descriptorPointers.
  descriptorPointers.assign(entries.size(), nullptr);
  pointers.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry &entry = entries[i];
    switch (entry.kind) {
    case Kind::MemRef:
      descriptorPointers[i] =
          const_cast<int64_t *>(words.data() + entry.offset);
      pointers.push_back(&descriptorPointers[i]);
      break;
    case Kind::Index:
      pointers.push_back(const_cast<int64_t *>(words.data() + entry.offset));
      break;
    case Kind::F32:
      pointers.push_back(const_cast<float *>(floats.data() + entry.offset));
      break;
    }
  }
  return pointers.data();
}
