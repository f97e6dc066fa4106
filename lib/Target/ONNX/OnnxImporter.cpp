//===- OnnxImporter.cpp - an ONNX graph as dps ops -------------------------===//
//
// Walks the graph's nodes in order (ONNX requires topological order) and
// emits dps ops. Activations are NCHW in ONNX and NHWC in dps's convolutions
// and pools: each value is held in its ONNX layout and, once a convolution
// or pool has produced or needed it, also in NHWC, so chains of conv, ReLU
// and pool stay NHWC and a dps.transpose appears only where a layout-bound
// op (Flatten, Reshape, a graph output...) meets the other layout.
// Initializers a convolution or Gemm reads as weights are transposed once,
// here, into the layout dps's ops train fastest (HWIO filters, K x N dense
// weights).
//
// Every unsupported node is reported, not only the first; nodes that read
// an unsupported node's outputs are then skipped silently.
//
//===----------------------------------------------------------------------===//
#include "dps/Target/OnnxImport.h"
#include "dps/Target/OnnxModel.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"

#include <array>
#include <deque>

using namespace mlir;
using namespace mlir::dps;
namespace ox = ::dps::onnx;

namespace {

constexpr int64_t kDynamic = ShapedType::kDynamic;
const int64_t kToNHWC[] = {0, 2, 3, 1};
const int64_t kToNCHW[] = {0, 3, 1, 2};

const char *const kSupportedOps =
    "Add, AveragePool, Constant, Conv, Dropout, Flatten, Gemm, Identity, "
    "LogSoftmax, MatMul, MaxPool, Relu, Reshape, Sigmoid, Softmax, Tanh, "
    "Transpose";

std::string joined(ArrayRef<int64_t> values) {
  std::string text;
  for (int64_t v : values)
    text += (text.empty() ? "" : ", ") + std::to_string(v);
  return "[" + text + "]";
}

/// Whether `node` takes the dense-layer path of importGemm.
static bool isDenseGemm(const ox::Node &node,
                        const std::map<std::string, const ox::Tensor *> &constants) {
  auto find = [&](size_t i) -> const ox::Tensor * {
    if (i >= node.inputs.size())
      return nullptr;
    auto it = constants.find(node.inputs[i]);
    return it == constants.end() ? nullptr : it->second;
  };
  auto intOr = [&](const char *name, int64_t fallback) {
    const ox::Attribute *a = node.find(name);
    return a && a->kind == ox::Attribute::Kind::Int ? a->i : fallback;
  };
  const ox::Attribute *alpha = node.find("alpha");
  const ox::Attribute *beta = node.find("beta");
  const ox::Tensor *weight = find(1), *bias = find(2);
  bool hasC = node.inputs.size() > 2 && !node.inputs[2].empty();
  return node.opType == "Gemm" && weight &&
         weight->type == ox::DataType::Float && weight->dims.size() == 2 &&
         !intOr("transA", 0) && (!alpha || alpha->f == 1.0f) &&
         (!hasC || (bias && bias->type == ox::DataType::Float &&
                    bias->dims.size() == 1 && (!beta || beta->f == 1.0f)));
}

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
  InFlightDiagnostic error() { ++errors; return emitError(fileLoc); }
  Location locOf(const ox::Node &node);

  // Values.
  FailureOr<Value> input(const ox::Node &node, size_t index,
                         bool nhwc = false);
  const ox::Tensor *constant(const ox::Node &node, size_t index);
  ElementsAttr blob(ArrayRef<int64_t> shape, ArrayRef<float> data);
  Value floatConstant(ArrayRef<int64_t> shape, ArrayRef<float> values);
  /// An initializer as a dps.param argument (values already in `values`).
  Value parameter(const std::string &name, ArrayRef<int64_t> shape,
                  std::vector<float> values);
  Value initializerValue(const ox::Tensor &tensor);
  void define(const ox::Node &node, size_t index, Value onnx,
              Value nhwc = {});
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
  LogicalResult importReshape(const ox::Node &node);
  LogicalResult importSoftmax(const ox::Node &node);
  LogicalResult importConstant(const ox::Node &node);
  /// Flatten of an NHWC-held image whose only reader is a dense-layer Gemm:
  /// flattens the NHWC data and lets the Gemm permute its weight rows to
  /// match, instead of transposing every batch back to NCHW. Fails (doing
  /// nothing) where that does not apply.
  LogicalResult importFlattenIntoDense(const ox::Node &node);
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
  std::map<std::string, Value> initializerValues;
  llvm::StringSet<> poisoned;
  std::deque<ox::Tensor> ownedConstants;
  /// Flatten outputs holding NHWC-ordered features: (C, H, W) of the image.
  std::map<std::string, std::array<int64_t, 3>> nhwcFeatures;
  SmallVector<Attribute> paramAttrs;
  /// Graph inputs that are not initializers.
  std::vector<const ox::ValueInfo *> dataInputs;
  unsigned blobCounter = 0;
};

Location Importer::locOf(const ox::Node &node) {
  std::string name = node.name.empty() && !node.outputs.empty()
                         ? node.outputs.front()
                         : node.name;
  return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
}

InFlightDiagnostic Importer::error(const ox::Node &node) {
  ++errors;
  for (const std::string &output : node.outputs)
    poisoned.insert(output);
  InFlightDiagnostic diag = emitError(locOf(node));
  diag << node.describe() << ": ";
  return diag;
}

int64_t Importer::intAttr(const ox::Node &node, const char *name,
                          int64_t fallback) {
  const ox::Attribute *attr = node.find(name);
  return attr && attr->kind == ox::Attribute::Kind::Int ? attr->i : fallback;
}

float Importer::floatAttr(const ox::Node &node, const char *name,
                          float fallback) {
  const ox::Attribute *attr = node.find(name);
  return attr && attr->kind == ox::Attribute::Kind::Float ? attr->f : fallback;
}

std::string Importer::stringAttr(const ox::Node &node, const char *name,
                                 const std::string &fallback) {
  const ox::Attribute *attr = node.find(name);
  return attr && attr->kind == ox::Attribute::Kind::String ? attr->s
                                                           : fallback;
}

std::optional<std::vector<int64_t>>
Importer::intsAttr(const ox::Node &node, const char *name) {
  const ox::Attribute *attr = node.find(name);
  if (!attr || attr->kind != ox::Attribute::Kind::Ints)
    return std::nullopt;
  return attr->ints;
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

ElementsAttr Importer::blob(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  auto bytes = HeapAsmResourceBlob::allocateAndCopyInferAlign(data);
  return DenseResourceElementsAttr::get(
      type, "onnx_" + std::to_string(blobCounter++), std::move(bytes));
}

Value Importer::floatConstant(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  return arith::ConstantOp::create(b, fileLoc, blob(shape, data));
}

/// In the inference form a constant: both forms share every rearrangement
/// of the weights, so running the inference form checks it.
Value Importer::parameter(const std::string &name, ArrayRef<int64_t> shape,
                          std::vector<float> data) {
  ElementsAttr attr = blob(shape, data);
  if (options.inference)
    return arith::ConstantOp::create(b, fileLoc, attr);
  auto type = cast<RankedTensorType>(attr.getType());
  BlockArgument arg = body->addArgument(type, NameLoc::get(
                                                  StringAttr::get(ctx, name),
                                                  fileLoc));
  paramAttrs.push_back(attr);
  return arg;
}

/// An initializer read as data (not rearranged as a weight).
Value Importer::initializerValue(const ox::Tensor &tensor) {
  if (Value known = initializerValues[tensor.name])
    return known;
  Value value = parameter(tensor.name, tensor.dims, tensor.floats);
  initializerValues[tensor.name] = value;
  return value;
}

const ox::Tensor *Importer::constant(const ox::Node &node, size_t index) {
  if (index >= node.inputs.size())
    return nullptr;
  auto it = constants.find(node.inputs[index]);
  return it == constants.end() ? nullptr : it->second;
}

FailureOr<Value> Importer::input(const ox::Node &node, size_t index,
                                 bool nhwc) {
  if (index >= node.inputs.size() || node.inputs[index].empty())
    return error(node) << "input " << index << " is missing";
  const std::string &name = node.inputs[index];
  auto it = values.find(name);
  if (it == values.end()) {
    if (const ox::Tensor *tensor = constant(node, index)) {
      if (tensor->type != ox::DataType::Float) {
        error(node) << "input '" << name << "' is a constant of type "
                    << ox::dataTypeName(tensor->type)
                    << "; dps computes on float tensors";
        return failure();
      }
      values[name].onnx = initializerValue(*tensor);
      it = values.find(name);
    } else {
      if (!poisoned.contains(name))
        error(node) << "input '" << name << "' is not defined before it";
      else
        for (const std::string &output : node.outputs)
          poisoned.insert(output);
      return failure();
    }
  }
  return nhwc ? toNHWC(it->second) : toONNX(it->second);
}

/// `value` permuted by `permutation`; a reshape when only dimensions of
/// size 1 move (one channel: NCHW and NHWC hold the same row-major data).
static Value permute(OpBuilder &b, Value value, ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape, kept;
  for (int64_t d : permutation) {
    shape.push_back(type.getDimSize(d));
    if (type.getDimSize(d) != 1)
      kept.push_back(d);
  }
  if (llvm::is_sorted(kept) &&
      llvm::count(type.getShape(), ShapedType::kDynamic) <= 1)
    return ReshapeOp::create(
        b, value.getLoc(), RankedTensorType::get(shape, type.getElementType()),
        value);
  return TransposeOp::create(b, value.getLoc(), value, permutation);
}

Value Importer::toNHWC(Held &held) {
  if (!held.nhwc)
    held.nhwc = permute(b, held.onnx, kToNHWC);
  return held.nhwc;
}

Value Importer::toONNX(Held &held) {
  if (!held.onnx)
    held.onnx = permute(b, held.nhwc, kToNCHW);
  return held.onnx;
}

void Importer::define(const ox::Node &node, size_t index, Value onnx,
                      Value nhwc) {
  if (index < node.outputs.size() && !node.outputs[index].empty())
    values[node.outputs[index]] = Held{onnx, nhwc};
}

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

FailureOr<Value> Importer::imageInput(const ox::Node &node, size_t index) {
  if (index >= node.inputs.size())
    return input(node, index); // reports the missing input
  auto it = values.find(node.inputs[index]);
  if (it != values.end() && it->second.nhwc)
    return it->second.nhwc;
  FailureOr<Value> x = input(node, index);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank != 4)
    return error(node) << "only 2-D windows (a rank-4 NCHW input) are "
                          "supported, the input has rank "
                       << rank;
  return toNHWC(values[node.inputs[index]]);
}

Value Importer::scaled(Location loc, Value value, float factor) {
  if (factor == 1.0f)
    return value;
  Value scale = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(factor));
  return CastOp::create(b, loc, value.getType(), value, scale,
                        RoundingMode::nearest_even, /*seed=*/Value(),
                        /*saturate=*/false);
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

LogicalResult Importer::importActivation(const ox::Node &node) {
  Location loc = locOf(node);
  const std::string &name = node.inputs.empty() ? "" : node.inputs[0];
  // Keep the input's layout: an NHWC activation stays NHWC.
  auto it = values.find(name);
  bool nhwc = it != values.end() && it->second.nhwc && !it->second.onnx;
  FailureOr<Value> x = input(node, 0, nhwc);
  if (failed(x))
    return failure();
  Value y;
  if (node.opType == "Relu")
    y = ReluOp::create(b, loc, *x);
  else if (node.opType == "Sigmoid")
    y = SigmoidOp::create(b, loc, *x);
  else if (node.opType == "Tanh")
    y = TanhOp::create(b, loc, *x);
  else
    y = *x; // Identity, Dropout (inference: the identity)
  if (node.opType == "Dropout" && node.outputs.size() > 1 &&
      !node.outputs[1].empty())
    return error(node) << "its mask output is not supported (dps trains "
                          "without dropout; only the data output may be used)";
  if (nhwc)
    define(node, 0, Value(), y);
  else
    define(node, 0, y);
  return success();
}

LogicalResult Importer::importGemm(const ox::Node &node) {
  Location loc = locOf(node);
  float alpha = floatAttr(node, "alpha", 1.0f), beta = floatAttr(node, "beta", 1.0f);
  bool transA = intAttr(node, "transA", 0), transB = intAttr(node, "transB", 0);
  FailureOr<Value> a = input(node, 0);
  if (failed(a))
    return failure();
  if (cast<RankedTensorType>(a->getType()).getRank() != 2)
    return error(node) << "input A must have rank 2";
  const ox::Tensor *bConst = constant(node, 1);
  const ox::Tensor *cConst = constant(node, 2);
  bool hasC = node.inputs.size() > 2 && !node.inputs[2].empty();
  // A dense layer: B a weight initializer (stored K x N), no transA, alpha 1,
  // C absent or a vector initializer of N.
  if (isDenseGemm(node, constants)) {
    int64_t k = bConst->dims[transB ? 1 : 0], n = bConst->dims[transB ? 0 : 1];
    std::vector<float> weights(bConst->floats);
    if (transB)
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j)
          weights[i * n + j] = bConst->floats[j * k + i];
    // Features flattened from NHWC: row (h * W + w) * C + c of the stored
    // weight is row c * H * W + h * W + w of ONNX's.
    if (auto it = nhwcFeatures.find(node.inputs[0]); it != nhwcFeatures.end()) {
      auto [c, h, w] = it->second;
      std::vector<float> onnxOrder = std::move(weights);
      weights.assign(onnxOrder.size(), 0.0f);
      for (int64_t ci = 0; ci < c; ++ci)
        for (int64_t p = 0; p < h * w; ++p)
          std::copy_n(onnxOrder.begin() + (ci * h * w + p) * n, n,
                      weights.begin() + (p * c + ci) * n);
    }
    if (hasC && cConst->dims[0] != n)
      return error(node) << "bias C has " << cConst->dims[0]
                         << " elements, the layer " << n << " outputs";
    Value w = parameter(bConst->name, {k, n}, std::move(weights));
    Value bias = hasC ? parameter(cConst->name, cConst->dims, cConst->floats)
                      : Value();
    FailureOr<Value> y = make<DenseOp>(node, *a, w, bias);
    if (failed(y))
      return failure();
    define(node, 0, *y);
    return success();
  }
  FailureOr<Value> bValue = input(node, 1);
  if (failed(bValue))
    return failure();
  if (cast<RankedTensorType>(bValue->getType()).getRank() != 2)
    return error(node) << "input B must have rank 2";
  FailureOr<Value> y = make<MatmulOp>(node, *a, *bValue, transA, transB);
  if (failed(y))
    return failure();
  *y = scaled(loc, *y, alpha);
  if (hasC) {
    FailureOr<Value> c = input(node, 2);
    if (failed(c))
      return failure();
    y = make<AddOp>(node, *y, scaled(loc, *c, beta));
    if (failed(y))
      return failure();
  }
  define(node, 0, *y);
  return success();
}

LogicalResult Importer::importMatMul(const ox::Node &node) {
  Location loc = locOf(node);
  FailureOr<Value> lhs = input(node, 0), rhs = input(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto lt = cast<RankedTensorType>(lhs->getType());
  auto rt = cast<RankedTensorType>(rhs->getType());
  if (lt.getRank() == rt.getRank() && lt.getRank() >= 2) {
    for (int64_t d = 0; d + 2 < lt.getRank(); ++d)
      if (lt.getDimSize(d) != rt.getDimSize(d))
        return error(node) << "batch dimensions broadcast (" << lt << " x "
                           << rt << "); dps multiplies equal batches only";
    FailureOr<Value> y = make<MatmulOp>(node, *lhs, *rhs, false, false);
    if (failed(y))
      return failure();
    define(node, 0, *y);
    return success();
  }
  if (lt.getRank() > 2 && rt.getRank() == 2) {
    // (..., M, K) x (K, N): rows of all batches at once.
    ArrayRef<int64_t> shape = lt.getShape();
    int64_t rows = 1;
    for (int64_t dim : shape.drop_back())
      rows = dim == kDynamic || rows == kDynamic ? kDynamic : rows * dim;
    auto flatType = RankedTensorType::get({rows, shape.back()},
                                          lt.getElementType());
    Value flat = ReshapeOp::create(b, loc, flatType, *lhs);
    FailureOr<Value> product = make<MatmulOp>(node, flat, *rhs, false, false);
    if (failed(product))
      return failure();
    SmallVector<int64_t> outShape(shape.drop_back());
    outShape.push_back(rt.getDimSize(1));
    define(node, 0,
           ReshapeOp::create(
               b, loc, RankedTensorType::get(outShape, lt.getElementType()),
               *product));
    return success();
  }
  return error(node) << "operands of rank " << lt.getRank() << " and "
                     << rt.getRank()
                     << " are not supported (equal ranks of at least 2, or "
                        "a rank-2 right operand)";
}

LogicalResult Importer::windowAttrs(const ox::Node &node,
                                    ArrayRef<int64_t> inputHW,
                                    ArrayRef<int64_t> kernel,
                                    SmallVectorImpl<int64_t> &strides,
                                    SmallVectorImpl<int64_t> &padding,
                                    SmallVectorImpl<int64_t> &dilations) {
  auto pair = [&](const char *name) -> std::optional<SmallVector<int64_t>> {
    std::optional<std::vector<int64_t>> v = intsAttr(node, name);
    if (!v)
      return SmallVector<int64_t>{1, 1};
    if (v->size() != 2)
      return std::nullopt;
    return SmallVector<int64_t>(v->begin(), v->end());
  };
  auto s = pair("strides"), d = pair("dilations");
  if (!s || !d)
    return error(node) << "strides and dilations must have 2 values (2-D)";
  strides.assign(s->begin(), s->end());
  dilations.assign(d->begin(), d->end());
  if (llvm::any_of(strides, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(dilations, [](int64_t v) { return v <= 0; }) ||
      llvm::any_of(kernel, [](int64_t v) { return v <= 0; }))
    return error(node) << "strides, dilations and the kernel must be "
                          "positive, got strides "
                       << joined(strides) << ", dilations "
                       << joined(dilations) << ", kernel " << joined(kernel);
  std::string autoPad = stringAttr(node, "auto_pad", "NOTSET");
  padding.assign({0, 0, 0, 0});
  if (autoPad == "NOTSET") {
    if (auto pads = intsAttr(node, "pads")) {
      if (pads->size() != 4)
        return error(node) << "pads must have 4 values (2-D)";
      padding.assign(pads->begin(), pads->end());
    }
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      if (inputHW[i] == kDynamic)
        return error(node) << "auto_pad " << autoPad
                           << " needs static spatial dimensions";
      int64_t out = (inputHW[i] + strides[i] - 1) / strides[i];
      int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + extent - inputHW[i]);
      int64_t small = total / 2, large = total - small;
      padding[i] = autoPad == "SAME_UPPER" ? small : large;
      padding[i + 2] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "VALID") {
    return error(node) << "auto_pad '" << autoPad << "' is not supported";
  }
  return success();
}

LogicalResult Importer::importConv(const ox::Node &node) {
  Location loc = locOf(node);
  if (intAttr(node, "group", 1) != 1)
    return error(node) << "group " << intAttr(node, "group", 1)
                       << " is not supported (only group 1)";
  FailureOr<Value> nhwc = imageInput(node, 0);
  if (failed(nhwc))
    return failure();
  ArrayRef<int64_t> imageHW =
      cast<RankedTensorType>(nhwc->getType()).getShape().slice(1, 2);
  Value filter, bias;
  SmallVector<int64_t> kernel;
  const ox::Tensor *w = constant(node, 1);
  if (w && w->type == ox::DataType::Float && w->dims.size() == 4) {
    // OIHW -> HWIO, once.
    int64_t o = w->dims[0], i = w->dims[1], h = w->dims[2], wd = w->dims[3];
    std::vector<float> hwio(w->floats.size());
    for (int64_t a = 0; a < o; ++a)
      for (int64_t c = 0; c < i; ++c)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t z = 0; z < wd; ++z)
            hwio[((y * wd + z) * i + c) * o + a] =
                w->floats[((a * i + c) * h + y) * wd + z];
    filter = parameter(w->name, {h, wd, i, o}, std::move(hwio));
    kernel = {h, wd};
  } else {
    FailureOr<Value> wv = input(node, 1);
    if (failed(wv))
      return failure();
    auto wType = cast<RankedTensorType>(wv->getType());
    if (wType.getRank() != 4)
      return error(node) << "the filter must have rank 4 (OIHW)";
    filter = TransposeOp::create(b, loc, *wv, ArrayRef<int64_t>{2, 3, 1, 0});
    kernel = {wType.getDimSize(2), wType.getDimSize(3)};
  }
  if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
    FailureOr<Value> bv = input(node, 2);
    if (failed(bv))
      return failure();
    bias = *bv;
  }
  if (auto shape = intsAttr(node, "kernel_shape");
      shape && (shape->size() != 2 || (*shape)[0] != kernel[0] ||
                (*shape)[1] != kernel[1]))
    return error(node) << "kernel_shape " << joined(*shape)
                       << " disagrees with the filter";
  SmallVector<int64_t> strides, padding, dilations;
  if (failed(windowAttrs(node, imageHW, kernel, strides, padding, dilations)))
    return failure();
  FailureOr<Value> conv = make<Conv2DOp>(node, *nhwc, filter, bias, strides,
                                         padding, dilations);
  if (failed(conv))
    return failure();
  define(node, 0, Value(), *conv);
  return success();
}

LogicalResult Importer::importPool(const ox::Node &node) {
    bool isMax = node.opType == "MaxPool";
  if (node.outputs.size() > 1 && !node.outputs[1].empty())
    return error(node) << "its Indices output is not supported";
  if (intAttr(node, "ceil_mode", 0) != 0)
    return error(node) << "ceil_mode 1 is not supported";
  if (intAttr(node, "storage_order", 0) != 0)
    return error(node) << "storage_order 1 is not supported";
  std::optional<std::vector<int64_t>> kernel = intsAttr(node, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return error(node) << "only 2-D pools are supported (kernel_shape with 2 "
                          "values)";
  FailureOr<Value> nhwc = imageInput(node, 0);
  if (failed(nhwc))
    return failure();
  SmallVector<int64_t> strides, padding, dilations;
  if (failed(windowAttrs(
          node, cast<RankedTensorType>(nhwc->getType()).getShape().slice(1, 2),
          *kernel, strides, padding, dilations)))
    return failure();
  if (dilations[0] != 1 || dilations[1] != 1)
    return error(node) << "dilations " << joined(dilations)
                       << " are not supported (only 1)";
  FailureOr<Value> y =
      isMax ? make<MaxPool2DOp>(node, *nhwc, *kernel, strides, padding)
            : make<AvgPool2DOp>(node, *nhwc, *kernel, strides, padding,
                                intAttr(node, "count_include_pad", 0) != 0);
  if (failed(y))
    return failure();
  define(node, 0, Value(), *y);
  return success();
}

LogicalResult Importer::importReshape(const ox::Node &node) {
  Location loc = locOf(node);
  const ox::Tensor *shapeTensor = constant(node, 1);
  if (!shapeTensor || shapeTensor->type != ox::DataType::Int64)
    return error(node) << "the target shape must be a constant (an int64 "
                          "initializer or Constant): dps compiles static "
                          "shapes";
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  bool allowZero = intAttr(node, "allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  bool dynamicCopied = false;
  for (auto [i, entry] : llvm::enumerate(shapeTensor->ints)) {
    int64_t dim = entry;
    if (dim == 0 && !allowZero) {
      if (int64_t(i) >= type.getRank())
        return error(node) << "shape entry " << i
                           << " copies a dimension the input lacks";
      dim = type.getDimSize(i);
      dynamicCopied |= dim == kDynamic;
    } else if (dim == -1) {
      if (inferred >= 0)
        return error(node) << "more than one -1 in the target shape";
      inferred = int64_t(i);
    } else if (dim < 0) {
      return error(node) << "target shape entry " << dim << " is invalid";
    }
    if (dim != kDynamic && dim != -1)
      known *= dim;
    shape.push_back(dim);
  }
  if (inferred >= 0) {
    int64_t total = 1;
    bool dynamic = false;
    for (int64_t dim : type.getShape()) {
      if (dim == kDynamic)
        dynamic = true;
      else
        total *= dim;
    }
    if (dynamic && !dynamicCopied)
      shape[inferred] = kDynamic;
    else if (known == 0 || total % known)
      return error(node) << "cannot infer the -1 of target shape "
                         << joined(shapeTensor->ints) << " from " << type;
    else
      shape[inferred] = total / known;
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  auto reshape = ReshapeOp::create(b, loc, resultType, *x);
  if (failed(mlir::verify(reshape))) {
    reshape->erase();
    return error(node) << "cannot reshape " << type << " to " << resultType;
  }
  define(node, 0, reshape);
  return success();
}

LogicalResult Importer::importSoftmax(const ox::Node &node) {
  Location loc = locOf(node);
  bool isLog = node.opType == "LogSoftmax";
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  int64_t axis = intAttr(node, "axis", model.opset >= 13 ? -1 : 1);
  if (axis < -rank || axis >= rank)
    return error(node) << "axis " << axis << " is outside [" << -rank << ", "
                       << rank << ")";
  if (axis < 0)
    axis += rank;
  auto apply = [&](Value v, int64_t at) -> Value {
    return isLog ? Value(LogSoftmaxOp::create(b, loc, v, at))
                 : Value(SoftmaxOp::create(b, loc, v, at));
  };
  if (model.opset >= 13 || axis == rank - 1) {
    define(node, 0, apply(*x, axis));
    return success();
  }
  // Before opset 13: over the input flattened to 2-D at `axis`.
  Value flat = *make<FlattenOp>(node, *x, axis); // axis checked above
  Value y = apply(flat, 1);
  define(node, 0, ReshapeOp::create(b, loc, type, y));
  return success();
}

LogicalResult Importer::importConstant(const ox::Node &node) {
  const ox::Attribute *attr = node.find("value");
  if (!attr || !attr->t)
    return error(node) << "only the 'value' attribute (a tensor) is "
                          "supported";
  if (node.outputs.empty())
    return success();
  ownedConstants.push_back(*attr->t);
  ox::Tensor &tensor = ownedConstants.back();
  tensor.name = node.outputs[0];
  constants[tensor.name] = &tensor;
  if (tensor.type == ox::DataType::Float)
    values[tensor.name].onnx = floatConstant(tensor.dims, tensor.floats);
  return success();
}

LogicalResult Importer::importFlattenIntoDense(const ox::Node &node) {
  if (node.inputs.empty() || node.outputs.size() != 1)
    return failure();
  auto it = values.find(node.inputs[0]);
  if (it == values.end() || !it->second.nhwc || it->second.onnx)
    return failure();
  auto type = cast<RankedTensorType>(it->second.nhwc.getType());
  if (intAttr(node, "axis", 1) != 1 ||
      llvm::is_contained(type.getShape().drop_front(), ShapedType::kDynamic))
    return failure();
  const std::string &output = node.outputs[0];
  for (const ox::ValueInfo &info : model.outputs)
    if (info.name == output)
      return failure();
  const ox::Node *reader = nullptr;
  for (const ox::Node &other : model.nodes)
    for (const std::string &in : other.inputs)
      if (in == output) {
        if (reader && reader != &other)
          return failure();
        reader = &other;
      }
  if (!reader || !isDenseGemm(*reader, constants) ||
      reader->inputs[0] != output || reader->inputs[1] == output)
    return failure();
  FailureOr<Value> flat = make<FlattenOp>(node, it->second.nhwc, int64_t(1));
  if (failed(flat))
    return failure();
  nhwcFeatures[output] = {type.getDimSize(3), type.getDimSize(1),
                          type.getDimSize(2)};
  define(node, 0, *flat);
  return success();
}

LogicalResult Importer::importNode(const ox::Node &node) {
  if (!node.domain.empty() && node.domain != "ai.onnx")
    return error(node) << "domain '" << node.domain
                       << "' is not supported (only the default domain)";
  const std::string &op = node.opType;
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "Identity" ||
      op == "Dropout")
    return importActivation(node);
  if (op == "Gemm")
    return importGemm(node);
  if (op == "MatMul")
    return importMatMul(node);
  if (op == "Conv")
    return importConv(node);
  if (op == "MaxPool" || op == "AveragePool")
    return importPool(node);
  if (op == "Reshape")
    return importReshape(node);
  if (op == "Softmax" || op == "LogSoftmax")
    return importSoftmax(node);
  if (op == "Constant")
    return importConstant(node);
  if (op == "Add") {
    FailureOr<Value> lhs = input(node, 0), rhs = input(node, 1);
    if (failed(lhs) || failed(rhs))
      return failure();
    FailureOr<Value> add = make<AddOp>(node, *lhs, *rhs);
    if (failed(add))
      return failure();
    define(node, 0, *add);
    return success();
  }
  if (op == "Flatten") {
    if (succeeded(importFlattenIntoDense(node)))
      return success();
    FailureOr<Value> x = input(node, 0);
    if (failed(x))
      return failure();
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    int64_t axis = intAttr(node, "axis", 1);
    if (axis < -rank || axis > rank)
      return error(node) << "axis " << axis << " is outside [" << -rank
                         << ", " << rank << "]";
    FailureOr<Value> y =
        make<FlattenOp>(node, *x, axis < 0 ? axis + rank : axis);
    if (failed(y))
      return failure();
    define(node, 0, *y);
    return success();
  }
  if (op == "Transpose") {
    FailureOr<Value> x = input(node, 0);
    if (failed(x))
      return failure();
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    SmallVector<int64_t> perm;
    if (auto given = intsAttr(node, "perm"))
      perm.assign(given->begin(), given->end());
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    FailureOr<Value> y = make<TransposeOp>(node, *x, perm);
    if (failed(y))
      return failure();
    define(node, 0, *y);
    return success();
  }
  return error(node) << "op '" << op
                     << "' is not supported; dps imports " << kSupportedOps;
}

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

LogicalResult Importer::buildSignature() {
  llvm::StringSet<> initializerNames;
  for (const ox::Tensor &tensor : model.initializers) {
    initializerNames.insert(tensor.name);
    constants[tensor.name] = &tensor;
  }
  for (const ox::ValueInfo &info : model.inputs)
    if (!initializerNames.contains(info.name))
      dataInputs.push_back(&info);
  for (const ox::Tensor &tensor : model.initializers)
    if (tensor.type != ox::DataType::Float &&
        tensor.type != ox::DataType::Int64 &&
        tensor.type != ox::DataType::Int32)
      error() << "initializer '" << tensor.name << "' has type "
              << ox::dataTypeName(tensor.type)
              << "; dps imports float initializers (and int64 shapes)";
  if (!options.inference && dataInputs.size() != 1) {
    error() << "a trainable graph has exactly one data input (the batch), "
               "this one has "
            << dataInputs.size();
    return failure();
  }
  for (const ox::ValueInfo *info : dataInputs) {
    if (info->type != ox::DataType::Float)
      return error() << "input '" << info->name << "' has type "
                     << ox::dataTypeName(info->type)
                     << "; dps's inputs are float tensors",
             failure();
    if (!info->hasShape || (info->dims.empty() && !options.inference))
      return error() << "input '" << info->name
                     << "' needs a shape"
                     << (options.inference ? "" : " of rank at least 1 (the batch)"),
             failure();
    SmallVector<int64_t> shape(info->dims.begin(), info->dims.end());
    for (auto [d, dim] : llvm::enumerate(shape)) {
      // The batch dimension is dynamic when training; every other one must
      // be known.
      if (!options.inference && d == 0) {
        dim = kDynamic;
        continue;
      }
      if (dim < 0)
        return error() << "input '" << info->name << "' has a symbolic "
                       << "dimension " << d << "; dps needs it static",
               failure();
    }
    auto type = RankedTensorType::get(shape, b.getF32Type());
    values[info->name].onnx =
        body->addArgument(type, NameLoc::get(StringAttr::get(ctx, info->name),
                                             fileLoc));
  }
  return success();
}

LogicalResult Importer::finish() {
  SmallVector<Value> results;
  for (const ox::ValueInfo &info : model.outputs) {
    auto it = values.find(info.name);
    if (it == values.end()) {
      if (!poisoned.contains(info.name))
        error() << "graph output '" << info.name << "' is never computed";
      continue;
    }
    results.push_back(toONNX(it->second));
  }
  if (errors)
    return failure();
  if (results.empty())
    return error() << "the graph has no outputs", failure();

  std::string name = model.graphName.empty() ? "graph" : model.graphName;
  for (char &c : name)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_')
      c = '_';
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());

  if (options.inference) {
    // Outputs written into buffers passed after the inputs.
    SmallVector<Value> written;
    for (Value v : results) {
      BlockArgument out = body->addArgument(v.getType(), fileLoc);
      written.push_back(bufferization::MaterializeInDestinationOp::create(
                            b, fileLoc, v, out)
                            .getResult());
    }
    func::ReturnOp::create(b, fileLoc, written);
  } else {
    if (results.size() != 1)
      return error() << "a trainable graph has one output (the logits), this "
                        "one has "
                     << results.size(),
             failure();
    auto type = cast<RankedTensorType>(results[0].getType());
    if (type.getRank() != 2)
      return error() << "the graph output (the logits) must have rank 2 "
                        "(batch x classes), it is "
                     << type,
             failure();
    func::ReturnOp::create(b, fileLoc, results);
  }
  func = func::FuncOp::create(
      fileLoc, name,
      FunctionType::get(ctx, body->getArgumentTypes(),
                        ValueRange(body->getTerminator()->getOperands())
                            .getTypes()));
  func.getBody().push_back(body);
  body = nullptr;
  module->push_back(func);
  unsigned firstParam = options.inference ? 0 : 1;
  if (options.inference) {
    func->setAttr(DPSDialect::kKernelAttrName,
                  KernelKindAttr::get(ctx, KernelKind::forward));
    return success();
  }
  for (auto [i, attr] : llvm::enumerate(paramAttrs))
    func.setArgAttr(firstParam + i, DPSDialect::kParamAttrName, attr);

  auto parse = [&](const std::string &text, const char *what) -> Attribute {
    Attribute attr = parseAttribute(text, ctx);
    if (!attr)
      error() << "cannot parse the " << what << " '" << text << "'";
    return attr;
  };
  auto loss = dyn_cast_or_null<LossKindAttr>(parse(options.loss, "loss"));
  auto optimizer = dyn_cast_or_null<OptimizerAttrInterface>(
      parse(options.optimizer, "optimizer"));
  auto schedule =
      dyn_cast_or_null<LRScheduleAttr>(parse(options.schedule, "schedule"));
  auto ladder = dyn_cast_or_null<LadderAttr>(parse(options.ladder, "ladder"));
  if (!loss || !optimizer || !schedule || !ladder)
    return error() << "the train step needs a #dps.loss, an optimizer "
                      "(#dps.sgd or #dps.adam), a #dps.lr_schedule and a "
                      "#dps.ladder",
           failure();
  OpBuilder mb = OpBuilder::atBlockEnd(module->getBody());
  TrainStepOp::create(mb, fileLoc, mb.getStringAttr(name + "_train"),
                      FlatSymbolRefAttr::get(func.getSymNameAttr()), loss,
                      optimizer, schedule, ladder,
                      TypeAttr::get(mb.getF32Type()),
                      mb.getI64IntegerAttr(options.batch));
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  module = ModuleOp::create(fileLoc);
  auto ownedBody = std::make_unique<Block>();
  body = ownedBody.get();
  b.setInsertionPointToStart(body);
  if (model.opset != 0 && (model.opset < 6 || model.opset > 21)) {
    error() << "opset " << model.opset
            << " is not supported (dps imports opsets 6 to 21)";
    return nullptr;
  }
  if (failed(buildSignature()))
    return nullptr;
  for (const ox::Node &node : model.nodes)
    (void)importNode(node);
  if (failed(finish())) {
    if (body)
      ownedBody.reset(); // never attached
    return nullptr;
  }
  (void)ownedBody.release(); // owned by the function now
  if (failed(mlir::verify(*module)))
    return nullptr;
  return std::move(module);
}

} // namespace

bool mlir::dps::onnxImportAvailable() { return true; }

OwningOpRef<ModuleOp> mlir::dps::importOnnxModel(
    llvm::StringRef bytes, llvm::StringRef origin, MLIRContext *context,
    const OnnxImportOptions &options) {
  context->loadDialect<DPSDialect, arith::ArithDialect, func::FuncDialect,
                       bufferization::BufferizationDialect>();
  ox::Parsed<ox::Model> parsed = ox::parseModel(bytes.str());
  Location loc = FileLineColLoc::get(context, origin, 0, 0);
  if (!parsed.value) {
    emitError(loc) << parsed.error;
    return nullptr;
  }
  return importOnnxModel(*parsed.value, origin, context, options);
}

OwningOpRef<ModuleOp> mlir::dps::importOnnxModel(
    const ox::Model &model, llvm::StringRef origin, MLIRContext *context,
    const OnnxImportOptions &options) {
  context->loadDialect<DPSDialect, arith::ArithDialect, func::FuncDialect,
                       bufferization::BufferizationDialect>();
  return Importer(model, origin, context, options).run();
}
