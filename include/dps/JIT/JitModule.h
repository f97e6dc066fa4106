//===- JitModule.h - run compiled dps kernels in process --------*- C++ -*-===//
//
// Compiles a lowered module (LLVM dialect) with MLIR's ExecutionEngine, or
// loads an object it compiled earlier, and calls its kernels through their
// packed C interfaces. The header names no MLIR
// type, so callers outside the compiler (the runtime's JIT backend) can hold
// one.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_JIT_JITMODULE_H
#define DPS_JIT_JITMODULE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace mlir {
class ExecutionEngine;
class ModuleOp;
} // namespace mlir

namespace dps {

/// The arguments of one C-interface kernel call, in order: memrefs over
/// caller-owned row-major data and scalars. Holds the memref descriptors
/// (`{allocated, aligned, offset, sizes[N], strides[N]}`) and scalar values
/// the call points to.
class KernelArguments {
public:
  KernelArguments &memref(void *data, llvm::ArrayRef<int64_t> shape);
  KernelArguments &index(int64_t value);
  KernelArguments &f32(float value);

  /// Per argument, a pointer to its value (for a memref: to the descriptor
  /// pointer), as MLIR's packed calling convention wants.
  llvm::ArrayRef<void *> packed() const { return pointers; }

private:
  std::deque<std::vector<int64_t>> descriptors;
  std::deque<void *> descriptorPointers;
  std::deque<int64_t> integers;
  std::deque<float> floats;
  std::vector<void *> pointers;
};

class JitModule {
public:
  ~JitModule();

  /// JIT-compiles `module`, which must be lowered to the LLVM dialect.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compile(mlir::ModuleOp module, unsigned optLevel = 3);

  /// Loads a native object written by `saveObject` (of this host).
  static llvm::Expected<std::unique_ptr<JitModule>>
  load(llvm::StringRef objectPath);

  /// Writes the compiled object to `path` atomically (only for a module
  /// built by `compile`), so that `load` can skip compilation next time.
  llvm::Error saveObject(llvm::StringRef path);

  /// Fails unless `kernel` can be called (for a loaded object: resolves it,
  /// which links the object and finds a damaged one).
  llvm::Error resolve(llvm::StringRef kernel);

  /// Calls `_mlir_ciface_<kernel>` with `args`.
  llvm::Error call(llvm::StringRef kernel, const KernelArguments &args);

private:
  JitModule();
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> loaded;
};

} // namespace dps

#endif // DPS_JIT_JITMODULE_H
