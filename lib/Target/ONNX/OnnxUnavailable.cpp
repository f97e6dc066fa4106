//===- OnnxUnavailable.cpp - the importer without libonnx -----------------===//
#include "dps/Target/OnnxImport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"

bool mlir::dps::onnxImportAvailable() { return false; }

mlir::OwningOpRef<mlir::ModuleOp>
mlir::dps::importOnnxModel(llvm::StringRef, llvm::StringRef origin,
                           MLIRContext *context, const OnnxImportOptions &) {
  emitError(FileLineColLoc::get(context, origin, 0, 0))
      << "this dps was built without ONNX support; install libonnx-dev "
         "(apt-get install libonnx-dev) and configure again";
  return nullptr;
}

mlir::OwningOpRef<mlir::ModuleOp>
mlir::dps::importOnnxModel(const ::dps::onnx::Model &, llvm::StringRef origin,
                           MLIRContext *context,
                           const OnnxImportOptions &options) {
  return importOnnxModel(llvm::StringRef(), origin, context, options);
}
