//===- Importer.cpp - an ONNX graph as a dps module -----------------------===//
//
// Walks the graph's nodes in order (ONNX requires topological order) and
// builds the module: the forward function (or the inference form), its
// arguments and results, and the train step. Activations are NCHW in ONNX
// and NHWC in dps's convolutions and pools: each value is held in its ONNX
// layout and, once a convolution or pool has produced or needed it, also in
// NHWC, so chains of conv, ReLU and pool stay NHWC and a layout change
// appears only where a layout-bound op (Reshape, a graph output...) meets the
// other layout.
//
// Every unsupported node is reported, not only the first; nodes that read
// an unsupported node's outputs are then skipped silently.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::onnx_import;

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
  return attr && attr->kind == ox::Attribute::Kind::String ? attr->s : fallback;
}

std::optional<std::vector<int64_t>> Importer::intsAttr(const ox::Node &node,
                                                       const char *name) {
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
  BlockArgument arg = body->addArgument(
      type, NameLoc::get(StringAttr::get(ctx, name), fileLoc));
  paramAttrs.push_back(attr);
  return arg;
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
      // An initializer read as data (not rearranged as a weight).
      values[name].onnx = parameter(tensor->name, tensor->dims, tensor->floats);
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
// The module
//===----------------------------------------------------------------------===//

LogicalResult Importer::buildSignature() {
  llvm::StringSet<> initializerNames;
  for (const ox::Tensor &tensor : model.initializers) {
    initializerNames.insert(tensor.name);
    constants[tensor.name] = &tensor;
  }
  std::vector<const ox::ValueInfo *> dataInputs;
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
      return error() << "input '" << info->name << "' needs a shape"
                     << (options.inference ? ""
                                           : " of rank at least 1 (the batch)"),
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
    values[info->name].onnx = body->addArgument(
        type, NameLoc::get(StringAttr::get(ctx, info->name), fileLoc));
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
  if (options.inference) {
    // Outputs written into buffers passed after the inputs.
    SmallVector<Value> written;
    for (Value v : results) {
      BlockArgument out = body->addArgument(v.getType(), fileLoc);
      written.push_back(
          bufferization::MaterializeInDestinationOp::create(b, fileLoc, v, out)
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
      FunctionType::get(
          ctx, body->getArgumentTypes(),
          ValueRange(body->getTerminator()->getOperands()).getTypes()));
  func.getBody().push_back(body);
  body = nullptr;
  module->push_back(func);
  if (options.inference) {
    func->setAttr(DPSDialect::kKernelAttrName,
                  KernelKindAttr::get(ctx, KernelKind::forward));
    return success();
  }
  // Parameters follow the batch input.
  for (auto [i, attr] : llvm::enumerate(paramAttrs))
    func.setArgAttr(1 + i, DPSDialect::kParamAttrName, attr);

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

bool mlir::dps::onnxImportAvailable() { return true; }

OwningOpRef<ModuleOp>
mlir::dps::importOnnxModel(llvm::StringRef bytes, llvm::StringRef origin,
                           MLIRContext *context,
                           const OnnxImportOptions &options) {
  ox::Parsed<ox::Model> parsed = ox::parseModel(bytes);
  Location loc = FileLineColLoc::get(context, origin, 0, 0);
  if (!parsed.value) {
    emitError(loc) << parsed.error;
    return nullptr;
  }
  return importOnnxModel(*parsed.value, origin, context, options);
}

OwningOpRef<ModuleOp>
mlir::dps::importOnnxModel(const ox::Model &model, llvm::StringRef origin,
                           MLIRContext *context,
                           const OnnxImportOptions &options) {
  context->loadDialect<DPSDialect, arith::ArithDialect, func::FuncDialect,
                       bufferization::BufferizationDialect>();
  return Importer(model, origin, context, options).run();
}
