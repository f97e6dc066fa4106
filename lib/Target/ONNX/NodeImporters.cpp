//===- NodeImporters.cpp - each supported ONNX op as dps ops --------------===//
//
// One function per op (or family): attributes checked and turned into dps's
// (auto_pad resolved to paddings, opset-dependent defaults), initializers
// that an op reads as weights rearranged once, here, into the layout dps's
// ops train fastest (HWIO filters, K x N dense weights, rows permuted for
// NHWC-flattened features), and the dps op built through `make`, which
// reports operands dps rejects instead of aborting.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::onnx_import;

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

LogicalResult Importer::importActivation(const ox::Node &node) {
  if (node.opType == "Dropout" && node.outputs.size() > 1 &&
      !node.outputs[1].empty())
    return error(node) << "its mask output is not supported (dps trains "
                          "without dropout; only the data output may be used)";
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
  if (nhwc)
    define(node, 0, Value(), y);
  else
    define(node, 0, y);
  return success();
}

LogicalResult Importer::importGemm(const ox::Node &node) {
  Location loc = locOf(node);
  float alpha = floatAttr(node, "alpha", 1.0f),
        beta = floatAttr(node, "beta", 1.0f);
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
  if (isDenseGemm(node)) {
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
    Value bias =
        hasC ? parameter(cConst->name, cConst->dims, cConst->floats) : Value();
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
    auto flatType =
        RankedTensorType::get({rows, shape.back()}, lt.getElementType());
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
                       << llvm::interleaved_array(strides) << ", dilations "
                       << llvm::interleaved_array(dilations) << ", kernel "
                       << llvm::interleaved_array(kernel);
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
    return error(node) << "kernel_shape " << llvm::interleaved_array(*shape)
                       << " disagrees with the filter";
  SmallVector<int64_t> strides, padding, dilations;
  if (failed(windowAttrs(node, imageHW, kernel, strides, padding, dilations)))
    return failure();
  FailureOr<Value> conv =
      make<Conv2DOp>(node, *nhwc, filter, bias, strides, padding, dilations);
  if (failed(conv))
    return failure();
  define(node, 0, Value(), *conv);
  return success();
}

LogicalResult Importer::importPool(const ox::Node &node) {
  bool isMax = node.opType == "MaxPool";
  if (node.outputs.size() > 1 && !node.outputs[1].empty())
    return error(node) << "its Indices output is not supported";
  if (intAttr(node, "storage_order", 0) != 0)
    return error(node) << "storage_order 1 is not supported";
  std::optional<std::vector<int64_t>> kernel = intsAttr(node, "kernel_shape");
  if (kernel && kernel->size() == 1)
    return importPool1D(node);
  if (!kernel || kernel->size() != 2)
    return error(node) << "only 1-D and 2-D pools are supported "
                          "(kernel_shape with 1 or 2 values)";
  bool ceilMode = intAttr(node, "ceil_mode", 0) != 0;
  bool countPad = intAttr(node, "count_include_pad", 0) != 0;
  if (ceilMode && !isMax && countPad)
    return error(node) << "ceil_mode 1 with count_include_pad 1 is not "
                          "supported";
  FailureOr<Value> nhwc = imageInput(node, 0);
  if (failed(nhwc))
    return failure();
  SmallVector<int64_t> strides, padding, dilations;
  if (failed(windowAttrs(
          node, cast<RankedTensorType>(nhwc->getType()).getShape().slice(1, 2),
          *kernel, strides, padding, dilations)))
    return failure();
  if (!isMax && (dilations[0] != 1 || dilations[1] != 1))
    return error(node) << "dilations " << llvm::interleaved_array(dilations)
                       << " are not supported for AveragePool (only 1)";
  if (ceilMode) {
    // Rounding the output size up is padding the end by what the last
    // window needs (padding is never a maximum nor counted in an average);
    // as in ONNX and PyTorch, a last window starting past the input and its
    // leading padding is dropped.
    ArrayRef<int64_t> hw =
        cast<RankedTensorType>(nhwc->getType()).getShape().slice(1, 2);
    for (int i = 0; i < 2; ++i) {
      if (hw[i] == kDynamic)
        return error(node) << "ceil_mode needs static spatial dimensions";
      int64_t extent = hw[i] + padding[i] + padding[i + 2];
      int64_t window = dilations[i] * ((*kernel)[i] - 1) + 1;
      int64_t span = extent - window;
      if (span < 0)
        break; // the window is larger than the input: make<> reports it
      int64_t out = (span + strides[i] - 1) / strides[i] + 1;
      if ((out - 1) * strides[i] >= hw[i] + padding[i])
        --out;
      padding[i + 2] +=
          std::max<int64_t>(0, (out - 1) * strides[i] + window - extent);
    }
  }
  FailureOr<Value> y =
      isMax
          ? make<MaxPool2DOp>(node, *nhwc, *kernel, strides, padding, dilations)
          : make<AvgPool2DOp>(node, *nhwc, *kernel, strides, padding, countPad);
  if (failed(y))
    return failure();
  define(node, 0, Value(), *y);
  return success();
}

/// N x C x L pooled as N x C x 1 x L by a 1 x K window.
LogicalResult Importer::importPool1D(const ox::Node &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() != 3)
    return error(node) << "a 1-D pool needs a rank-3 (N x C x L) input";
  Location loc = locOf(node);
  ox::Node planar = node;
  auto widen = [&](const char *name, int64_t unit, bool pads) {
    auto it = planar.attributes.find(name);
    if (it == planar.attributes.end())
      return;
    std::vector<int64_t> &v = it->second.ints;
    if (pads && v.size() == 2)
      v = {0, v[0], 0, v[1]};
    else if (!pads && v.size() == 1)
      v = {unit, v[0]};
  };
  widen("kernel_shape", 1, false);
  widen("strides", 1, false);
  widen("dilations", 1, false);
  widen("pads", 0, true);
  planar.inputs[0] = node.inputs[0] + "#planar";
  planar.outputs[0] = node.outputs[0] + "#planar";
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 2, 1);
  values[planar.inputs[0]].onnx = ReshapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), *x);
  if (failed(importPool(planar)))
    return failure();
  Value pooled = toONNX(values[planar.outputs[0]]);
  auto pooledType = cast<RankedTensorType>(pooled.getType());
  SmallVector<int64_t> outShape(pooledType.getShape());
  outShape.erase(outShape.begin() + 2);
  define(node, 0,
         ReshapeOp::create(
             b, loc, RankedTensorType::get(outShape, type.getElementType()),
             pooled));
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
                         << llvm::interleaved_array(shapeTensor->ints)
                         << " from " << type;
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

bool Importer::isDenseGemm(const ox::Node &node) {
  const ox::Tensor *weight = constant(node, 1), *bias = constant(node, 2);
  bool hasC = node.inputs.size() > 2 && !node.inputs[2].empty();
  return node.opType == "Gemm" && weight &&
         weight->type == ox::DataType::Float && weight->dims.size() == 2 &&
         !intAttr(node, "transA", 0) &&
         floatAttr(node, "alpha", 1.0f) == 1.0f &&
         (!hasC ||
          (bias && bias->type == ox::DataType::Float &&
           bias->dims.size() == 1 && floatAttr(node, "beta", 1.0f) == 1.0f));
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
  if (!reader || !isDenseGemm(*reader) || reader->inputs[0] != output ||
      reader->inputs[1] == output)
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
      return error(node) << "axis " << axis << " is outside [" << -rank << ", "
                         << rank << "]";
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
  return error(node) << "op '" << op << "' is not supported; dps imports "
                     << kSupportedOps;
}
