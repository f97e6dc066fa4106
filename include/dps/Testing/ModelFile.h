//===- ModelFile.h - run a check on a model file ----------------*- C++ -*-===//
//
// The shared main of dps's checking tools: parse a model file in a context
// with every dialect dps's pipelines produce, run a check on it, and turn the
// outcome into an exit code.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TESTING_MODELFILE_H
#define DPS_TESTING_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::dps {

/// Parses `path` (diagnostics to standard error) and runs `check` on it.
/// Returns 0 if the check succeeded, 1 if parsing or the check failed.
int checkModelFile(llvm::StringRef path,
                   llvm::function_ref<LogicalResult(ModuleOp)> check);

} // namespace mlir::dps

#endif // DPS_TESTING_MODELFILE_H
