//===- OnnxTranslation.cpp - dps-translate --import-onnx ------------------===//
#include "dps/Target/OnnxImport.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::opt<bool> onnxInference(
    "onnx-inference",
    llvm::cl::desc("Import the inference form: every graph input an "
                   "argument, the outputs written into argument buffers, no "
                   "train step"));
static llvm::cl::opt<std::string>
    onnxLoss("onnx-loss",
             llvm::cl::desc("The train step's loss (#dps.loss<...>)"),
             llvm::cl::init(mlir::dps::OnnxImportOptions().loss));
static llvm::cl::opt<std::string> onnxOptimizer(
    "onnx-optimizer",
    llvm::cl::desc(
        "The train step's optimizer (#dps.sgd<...> or #dps.adam<...>)"),
    llvm::cl::init(mlir::dps::OnnxImportOptions().optimizer));
static llvm::cl::opt<std::string> onnxSchedule(
    "onnx-schedule",
    llvm::cl::desc("The learning-rate schedule (#dps.lr_schedule<...>)"),
    llvm::cl::init(mlir::dps::OnnxImportOptions().schedule));
static llvm::cl::opt<std::string>
    onnxLadder("onnx-ladder",
               llvm::cl::desc("The precision ladder (#dps.ladder<...>)"),
               llvm::cl::init(mlir::dps::OnnxImportOptions().ladder));
static llvm::cl::opt<int64_t>
    onnxBatch("onnx-batch", llvm::cl::desc("The train step's batch size"),
              llvm::cl::init(mlir::dps::OnnxImportOptions().batch));

void mlir::dps::registerOnnxImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "import an ONNX model (.onnx) as a dps module",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OnnxImportOptions options;
        options.inference = onnxInference;
        options.loss = onnxLoss;
        options.optimizer = onnxOptimizer;
        options.schedule = onnxSchedule;
        options.ladder = onnxLadder;
        options.batch = onnxBatch;
        OwningOpRef<ModuleOp> module =
            importOnnxModel(buffer->getBuffer(), buffer->getBufferIdentifier(),
                            context, options);
        if (!module)
          return nullptr;
        return OwningOpRef<Operation *>(module.release());
      });
}
