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

#include "dps/runtime/PackedArguments.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <mutex>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace mlir {
class ExecutionEngine;
class ModuleOp;
} // namespace mlir

namespace dps {

/// The arguments of one kernel call, packed as MLIR's calling convention
/// wants (shared with the runtime's shared-object backend).
using KernelArguments = rt::PackedArguments;

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

  /// The address of the data symbol `name`, or an error if undefined.
  llvm::Expected<const void *> symbol(llvm::StringRef name);

  /// Calls `_mlir_ciface_<kernel>` with `args`. Safe to call from several
  /// threads at once (the trainer's lanes and evaluation threads do).
  llvm::Error call(llvm::StringRef kernel, const KernelArguments &args);

private:
  using EntryPoint = void (*)(void **);
  JitModule();
  /// The packed entry point of `kernel`, looked up once (under
  /// entryPointsMutex: two threads' first calls of a kernel would otherwise
  /// insert into the map at once, which crashed evaluation's threads).
  llvm::Expected<EntryPoint> entryPoint(llvm::StringRef kernel);

  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> loaded;
  llvm::StringMap<EntryPoint> entryPoints;
  std::mutex entryPointsMutex;
};

} // namespace dps

#endif // DPS_JIT_JITMODULE_H
