//===- Importer.h - the ONNX importer's state -------------------*- C++ -*-===//
//
// One Importer walks one graph: Importer.cpp holds the values, layouts and
// the module it builds; NodeImporters.cpp turns each supported op into dps
// ops. Private to lib/Target/ONNX.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_LIB_TARGET_ONNX_IMPORTER_H
#define DPS_LIB_TARGET_ONNX_IMPORTER_H

#include "dps/Target/OnnxImport.h"
#include "dps/Target/OnnxModel.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/InterleavedRange.h"

#include <array>
#include <deque>
#include <map>

namespace mlir::dps::onnx_import {

namespace ox = ::dps::onnx;

inline constexpr int64_t kDynamic = ShapedType::kDynamic;
inline constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
inline constexpr int64_t kToNCHW[] = {0, 3, 1, 2};

inline constexpr const char *kSupportedOps =
    "Add, AveragePool, Constant, Conv, Dropout, Flatten, Gemm, Identity, "
    "LogSoftmax, MatMul, MaxPool, Relu, Reshape, Sigmoid, Softmax, Tanh, "
    "Transpose";

/// One graph value: its ONNX-layout value and, for rank-4 activations, the
/// NHWC one once made.
struct Held {
  Value onnx, nhwc;
};

class Importer {
public:
  Importer(const ox::Model &model, StringRef origin, MLIRContext *ctx,
           const OnnxImportOptions &options)
      : model(model), options(options), ctx(ctx), b(ctx),
        fileLoc(FileLineColLoc::get(ctx, origin, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

private:
  // Diagnostics.
  InFlightDiagnostic error(const ox::Node &node);
  InFlightDiagnostic error() {
    ++errors;
    return emitError(fileLoc);
  }
  Location locOf(const ox::Node &node);

  // Values.
  FailureOr<Value> input(const ox::Node &node, size_t index, bool nhwc = false);
  const ox::Tensor *constant(const ox::Node &node, size_t index);
  ElementsAttr blob(ArrayRef<int64_t> shape, ArrayRef<float> data);
  Value floatConstant(ArrayRef<int64_t> shape, ArrayRef<float> values);
  /// An initializer as a dps.param argument (values already in `values`).
  Value parameter(const std::string &name, ArrayRef<int64_t> shape,
                  std::vector<float> values);
  void define(const ox::Node &node, size_t index, Value onnx, Value nhwc = {});
  Value toNHWC(Held &held);
  Value toONNX(Held &held);

  // Attributes.
  int64_t intAttr(const ox::Node &node, const char *name, int64_t fallback);
  float floatAttr(const ox::Node &node, const char *name, float fallback);
  std::string stringAttr(const ox::Node &node, const char *name,
                         const std::string &fallback);
  std::optional<std::vector<int64_t>> intsAttr(const ox::Node &node,
                                               const char *name);

  // Nodes.
  LogicalResult importNode(const ox::Node &node);
  LogicalResult importActivation(const ox::Node &node);
  LogicalResult importGemm(const ox::Node &node);
  LogicalResult importMatMul(const ox::Node &node);
  LogicalResult importConv(const ox::Node &node);
  LogicalResult importPool(const ox::Node &node);
  LogicalResult importPool1D(const ox::Node &node);
  LogicalResult importReshape(const ox::Node &node);
  LogicalResult importSoftmax(const ox::Node &node);
  LogicalResult importConstant(const ox::Node &node);
  /// Flatten of an NHWC-held image whose only reader is a dense-layer Gemm:
  /// flattens the NHWC data and lets the Gemm permute its weight rows to
  /// match, instead of transposing every batch back to NCHW. Fails (doing
  /// nothing) where that does not apply.
  LogicalResult importFlattenIntoDense(const ox::Node &node);
  /// Whether `node` takes the dense-layer path of importGemm: B a weight
  /// initializer (stored K x N), no transA, alpha 1, C absent or a vector
  /// initializer with beta 1.
  bool isDenseGemm(const ox::Node &node);
  /// Window attributes of a 2-D conv or pool: strides, [top, left, bottom,
  /// right] padding (auto_pad resolved), dilations.
  LogicalResult windowAttrs(const ox::Node &node, ArrayRef<int64_t> inputHW,
                            ArrayRef<int64_t> kernel,
                            SmallVectorImpl<int64_t> &strides,
                            SmallVectorImpl<int64_t> &padding,
                            SmallVectorImpl<int64_t> &dilations);
  Value scaled(Location loc, Value value, float factor);
  /// Input `index` as an NHWC image (a rank-4 NCHW value, transposed once).
  FailureOr<Value> imageInput(const ox::Node &node, size_t index);
  /// Creates an op whose result type dps infers, reporting (instead of
  /// aborting on) operands it rejects.
  template <typename OpTy, typename... Args>
  FailureOr<Value> make(const ox::Node &node, Args &&...args);

  LogicalResult buildSignature();
  LogicalResult finish();

  const ox::Model &model;
  const OnnxImportOptions &options;
  MLIRContext *ctx;
  OpBuilder b;
  Location fileLoc;
  unsigned errors = 0;

  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  Block *body = nullptr;
  std::map<std::string, Held> values;
  std::map<std::string, const ox::Tensor *> constants;
  llvm::StringSet<> poisoned;
  std::deque<ox::Tensor> ownedConstants;
  /// Flatten outputs holding NHWC-ordered features: (C, H, W) of the image.
  std::map<std::string, std::array<int64_t, 3>> nhwcFeatures;
  SmallVector<Attribute> paramAttrs;
  unsigned blobCounter = 0;
};

template <typename OpTy, typename... Args>
FailureOr<Value> Importer::make(const ox::Node &node, Args &&...args) {
  Location loc = locOf(node);
  auto op = OpTy::create(b, loc, b.getNoneType(), std::forward<Args>(args)...);
  SmallVector<Type> inferred;
  if (failed(OpTy::inferReturnTypes(
          ctx, loc, op->getOperands(), op->getRawDictionaryAttrs(),
          op->getPropertiesStorage(), op->getRegions(), inferred))) {
    op->erase();
    error(node) << "its operands do not fit " << OpTy::getOperationName()
                << " (see the error above)";
    return failure();
  }
  op->getResult(0).setType(inferred.front());
  return op->getResult(0);
}

} // namespace mlir::dps::onnx_import

#endif // DPS_LIB_TARGET_ONNX_IMPORTER_H
