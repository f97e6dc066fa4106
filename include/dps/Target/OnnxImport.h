//===- OnnxImport.h - ONNX models to dps modules ----------------*- C++ -*-===//
//
// `dps-translate --import-onnx` and `dps-train model.onnx`: an ONNX graph
// becomes a dps forward function (initializers as dps.param arguments that
// carry their values) plus a dps.train_step, or, in the inference form, one
// function taking every graph input and writing every graph output.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_TARGET_ONNXIMPORT_H
#define DPS_TARGET_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace dps::onnx {
struct Model;
} // namespace dps::onnx

namespace mlir::dps {

struct OnnxImportOptions {
  /// Every graph input an argument, outputs written into argument buffers
  /// (a `forward` kernel), initializers constants; no train step.
  bool inference = false;
  /// The train step's settings, in dps attribute syntax.
  std::string loss = "#dps.loss<softmax_cross_entropy>";
  std::string optimizer = "#dps.sgd<lr = 0.05, momentum = 0.9>";
  std::string schedule = "#dps.lr_schedule<cosine>";
  std::string ladder = "#dps.ladder<[f32, bf16, f8E4M3FN]>";
  int64_t batch = 128;
};

/// Whether this build can import ONNX (it was configured with libonnx).
bool onnxImportAvailable();

/// Imports the serialized ModelProto `bytes` (from `origin`, for
/// diagnostics). Every problem is reported through the context's diagnostic
/// handler; returns null if there was any.
OwningOpRef<ModuleOp> importOnnxModel(llvm::StringRef bytes,
                                      llvm::StringRef origin,
                                      MLIRContext *context,
                                      const OnnxImportOptions &options);

/// Imports an already-read model (e.g. one whose integer inputs a test has
/// bound as constants).
OwningOpRef<ModuleOp> importOnnxModel(const ::dps::onnx::Model &model,
                                      llvm::StringRef origin,
                                      MLIRContext *context,
                                      const OnnxImportOptions &options);

void registerOnnxImportTranslation();

} // namespace mlir::dps

#endif // DPS_TARGET_ONNXIMPORT_H
