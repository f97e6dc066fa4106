//===- SpecializePrecision.cpp - one gradient kernel per ladder rung -------===//
//
// Clones the f32 gradient kernel for every rung of the ladder, retyping its
// computation to the rung's precision with explicit dps.cast at the borders
// (parameters, the input batch, the f32 losses and accumulators), and adds
// the refresh kernels that build the rungs' parameter copies.
//
//===----------------------------------------------------------------------===//
#include "KernelBuilders.h"

#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSSPECIALIZEPRECISION
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

namespace {

Type elementType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type ? type.getElementType() : Type();
}

bool isFloatTensor(Value value) {
  Type element = elementType(value);
  return element && isa<FloatType>(element);
}

RankedTensorType withElementType(Type type, Type element) {
  auto tensor = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensor.getShape(), element);
}

/// The element type of rung `precision`'s parameter copies: the rung's own,
/// except an f8 rung's decoded copies, bf16 (f8 rungs compute on bf16).
Type copyElementType(Type precision, bool decodeF8) {
  return isFloat8(precision) && decodeF8
             ? Type(BFloat16Type::get(precision.getContext()))
             : precision;
}

/// Whether rung copies of parameter argument `index` of the f32 gradient
/// kernel are held VNNI-packed (`vnni-copies`): bf16 copies of a K x N
/// matrix (K even, N a multiple of 16, as the vdpbf16ps tiles take them)
/// that a dense layer multiplies by. Its forward product then reads the
/// pairs of rows the refresh interleaved, instead of interleaving them in
/// every row tile of every call.
bool holdsVNNI(func::FuncOp generic, unsigned index, Type copyElement) {
  Value param = generic.getArgument(index);
  auto type = cast<RankedTensorType>(param.getType());
  if (!copyElement.isBF16() || type.getRank() != 2 || !type.hasStaticShape() ||
      type.getDimSize(0) % 2 != 0 || type.getDimSize(1) % 16 != 0)
    return false;
  return llvm::any_of(param.getUses(), [](OpOperand &use) {
    return isa<DenseOp>(use.getOwner()) && use.getOperandNumber() == 1;
  });
}

/// The type of a copy of `param` with elements `element`, VNNI-packed or
/// not.
RankedTensorType copyType(Value param, Type element, bool vnni) {
  auto type = cast<RankedTensorType>(param.getType());
  if (!vnni)
    return RankedTensorType::get(type.getShape(), element);
  return RankedTensorType::get({type.getDimSize(0) / 2, type.getDimSize(1), 2},
                               element);
}

constexpr llvm::StringLiteral kVNNILayout = "vnni";

/// The `param_copy` arguments of a rung's kernels for the parameters at
/// `params` of the f32 gradient kernel, with elements `element`; `vnni`
/// says which are VNNI-packed (holdsVNNI, where `vnniCopies`).
SmallVector<KernelArgSpec> copySpecs(func::FuncOp generic,
                                     ArrayRef<unsigned> params, Type element,
                                     bool vnniCopies, SmallVector<bool> &vnni) {
  SmallVector<KernelArgSpec> specs;
  for (unsigned index : params) {
    vnni.push_back(vnniCopies && holdsVNNI(generic, index, element));
    specs.push_back({copyType(generic.getArgument(index), element, vnni.back()),
                     ArgRole::param_copy,
                     {},
                     vnni.back() ? StringRef(kVNNILayout) : StringRef()});
  }
  return specs;
}

/// Ops that stay f32 in every rung: losses, their gradients, and ops pinned
/// with `dps.precision = #dps.precision<f32>`.
bool isPinnedToF32(Operation *op) {
  if (isa<SoftmaxCrossEntropyOp, SoftmaxCrossEntropyGradOp, MSEOp, MSEGradOp>(
          op))
    return true;
  auto precision = op->getAttrOfType<PrecisionAttr>(
      DPSDialect::kPrecisionAttrName);
  return precision && precision.getElementType().isF32();
}

bool isContraction(Operation *op) {
  return isa<DenseOp, Conv2DOp, MatmulOp>(op);
}

/// Positions of a kernel's arguments by role.
struct KernelArgs {
  SmallVector<unsigned> params, accumulators;
  unsigned input = 0, labels = 0, rows = 0, losses = 0;

  static KernelArgs of(func::FuncOp kernel) {
    KernelArgs args;
    for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
      ArgRole role = kernel.getArgAttrOfType<ArgRoleAttr>(
                               i, DPSDialect::kRoleAttrName)
                         .getValue();
      switch (role) {
      case ArgRole::param:
        args.params.push_back(i);
        break;
      case ArgRole::grad_acc:
        args.accumulators.push_back(i);
        break;
      case ArgRole::input:
        args.input = i;
        break;
      case ArgRole::label:
        args.labels = i;
        break;
      case ArgRole::rows:
        args.rows = i;
        break;
      case ArgRole::losses:
        args.losses = i;
        break;
      default:
        break;
      }
    }
    return args;
  }
};

/// Builds `<step>_grad_<P>` for a rung below f32.
class RungSpecializer {
public:
  RungSpecializer(TrainStepOp step, func::FuncOp generic, Type precision,
                  bool decodeF8, bool vnniCopies)
      : step(step), generic(generic), precision(precision),
        vnniCopies(vnniCopies),
        compute(isFloat8(precision) ? Type(BFloat16Type::get(step.getContext()))
                                    : precision),
        f32(Float32Type::get(step.getContext())),
        lossScaling(precision.isF16()), amaxScaling(isFloat8(precision)),
        copyElement(copyElementType(precision, decodeF8)),
        scaledCopies(amaxScaling && !decodeF8) {}

  LogicalResult build();

private:
  /// `value` at `type`, casting (once per value and type) when it differs.
  Value at(OpBuilder &b, Value value, Type type, Value scale = {});
  /// Rounds a contraction operand to the rung's f8 format and back, under a
  /// per-tensor amax scale.
  Value quantize(OpBuilder &b, Value value);
  unsigned countQuantizedOperands();

  TrainStepOp step;
  func::FuncOp generic;
  Type precision;
  bool vnniCopies;
  Type compute, f32;
  bool lossScaling, amaxScaling;
  /// The copies' element type; f8 copies are either decoded by the refresh
  /// kernel (bf16, ready to multiply) or stored as f8 with their inverse
  /// scales and decoded here (scaledCopies).
  Type copyElement;
  bool scaledCopies;

  Value lossScale, inverseLossScale, amaxScalingArg;
  SmallVector<Value> observedAmax;
  /// Values already exact at the rung's precision (parameter copies, the
  /// input batch, and reshapes or windows of them): never re-quantised.
  DenseSet<Value> narrowExact;
  DenseMap<Value, Value> quantized;
  DenseMap<std::pair<Value, Type>, Value> casts;
};

Value RungSpecializer::at(OpBuilder &b, Value value, Type type, Value scale) {
  if (!isFloatTensor(value) || (elementType(value) == type && !scale))
    return value;
  auto key = std::make_pair(value, type);
  if (!scale)
    if (Value cached = casts.lookup(key))
      return cached;
  Value cast = CastOp::create(b, value.getLoc(),
                              withElementType(value.getType(), type), value,
                              scale, RoundingMode::nearest_even,
                              /*seed=*/Value(), /*saturate=*/false);
  if (!scale)
    casts[key] = cast;
  return cast;
}

/// Reshapes, transposes and im2col windows move values without changing
/// them.
bool preservesValues(Operation *op) {
  return isa<ReshapeOp, TransposeOp, Im2ColOp>(op);
}

unsigned RungSpecializer::countQuantizedOperands() {
  // Mirrors the walk of build(): distinct contraction operands that are not
  // exact at the rung's precision already.
  DenseSet<Value> exact, counted;
  KernelArgs args = KernelArgs::of(generic);
  for (unsigned index : args.params)
    exact.insert(generic.getArgument(index));
  for (Operation *user : generic.getArgument(args.input).getUsers())
    exact.insert(user->getResult(0));
  for (Operation &op : generic.getBody().front()) {
    if (preservesValues(&op) && exact.contains(op.getOperand(0)))
      exact.insert(op.getResult(0));
    if (!isContraction(&op) || isPinnedToF32(&op))
      continue;
    for (Value operand : op.getOperands())
      if (isFloatTensor(operand) && !exact.contains(operand))
        counted.insert(operand);
  }
  return counted.size();
}

Value RungSpecializer::quantize(OpBuilder &b, Value value) {
  if (Value cached = quantized.lookup(value))
    return cached;
  Location loc = value.getLoc();
  unsigned index = observedAmax.size();
  Value current = AmaxOp::create(b, loc, value);
  observedAmax.push_back(current);
  // Delayed scaling: the runtime's amax when it has one, else the current.
  Value position = arith::ConstantIndexOp::create(b, loc, index);
  Value delayed = tensor::ExtractOp::create(b, loc, amaxScalingArg,
                                            ValueRange{position});
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value haveHistory = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OGT, delayed, zero);
  Value amax = arith::SelectOp::create(b, loc, haveHistory, delayed, current);
  Value tiny = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1e-30f));
  double largest = PrecisionAttr::get(b.getContext(), precision).getMaxFinite();
  Value range = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(largest)));
  Value scale = arith::DivFOp::create(
      b, loc, range, arith::MaximumFOp::create(b, loc, amax, tiny));
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
  Value inverse = arith::DivFOp::create(b, loc, one, scale);
  Value narrow = CastOp::create(
      b, loc, withElementType(value.getType(), precision), value, scale,
      RoundingMode::nearest_even, /*seed=*/Value(), /*saturate=*/true);
  Value widened = CastOp::create(b, loc, value.getType(), narrow, inverse,
                                 RoundingMode::nearest_even, /*seed=*/Value(),
                                 /*saturate=*/false);
  quantized[value] = widened;
  return widened;
}

LogicalResult RungSpecializer::build() {
  Location loc = step.getLoc();
  MLIRContext *ctx = step.getContext();
  KernelArgs old = KernelArgs::of(generic);
  size_t numParams = old.params.size();
  unsigned quantized = amaxScaling ? countQuantizedOperands() : 0;

  // (copies..., [copy scales...], input, labels, rows, [loss_scale],
  //  [amax.scaling], grad_accs..., losses, overflow, [amax.observed])
  SmallVector<bool> vnni;
  SmallVector<KernelArgSpec> specs =
      copySpecs(generic, old.params, copyElement, vnniCopies, vnni);
  if (scaledCopies)
    for (size_t i = 0; i < numParams; ++i)
      specs.push_back(
          {RankedTensorType::get({1}, f32), ArgRole::param_copy});
  specs.push_back(
      {withElementType(generic.getArgument(old.input).getType(), precision),
       ArgRole::input});
  specs.push_back({generic.getArgument(old.labels).getType(), ArgRole::label});
  specs.push_back({IndexType::get(ctx), ArgRole::rows});
  if (lossScaling)
    specs.push_back({f32, ArgRole::loss_scale});
  if (amaxScaling)
    specs.push_back({RankedTensorType::get({quantized}, f32), ArgRole::amax});
  for (unsigned index : old.accumulators)
    specs.push_back({withElementType(generic.getArgument(index).getType(),
                                     gradientSetElementType(precision)),
                     ArgRole::grad_acc});
  specs.push_back({generic.getArgument(old.losses).getType(), ArgRole::losses});
  auto flagType = RankedTensorType::get({1}, IntegerType::get(ctx, 32));
  specs.push_back({flagType, ArgRole::overflow});
  if (amaxScaling)
    specs.push_back({RankedTensorType::get({quantized}, f32), ArgRole::amax});
  SmallVector<Type> results = {specs[specs.size() - (amaxScaling ? 3 : 2)].type};
  for (unsigned index : old.accumulators)
    results.push_back(withElementType(generic.getArgument(index).getType(),
                                      gradientSetElementType(precision)));
  results.push_back(flagType);
  if (amaxScaling)
    results.push_back(specs.back().type);

  FailureOr<func::FuncOp> kernel =
      createKernel(step, "grad_" + typeName(precision), KernelKind::grad,
                   precision, specs, results);
  if (failed(kernel))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  ValueRange args = kernel->getArguments();
  unsigned next = 0;
  ValueRange copies = args.slice(next, numParams);
  next += numParams;
  ValueRange copyScales;
  if (scaledCopies) {
    copyScales = args.slice(next, numParams);
    next += numParams;
  }
  Value input = args[next++], labels = args[next++], rows = args[next++];
  if (lossScaling)
    lossScale = args[next++];
  if (amaxScaling)
    amaxScalingArg = args[next++];
  ValueRange accumulators = args.slice(next, numParams);
  next += numParams;
  Value losses = args[next++], overflowArg = args[next++];
  Value amaxOut = amaxScaling ? args[next++] : Value();
  if (lossScaling) {
    Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
    inverseLossScale = arith::DivFOp::create(b, loc, one, lossScale);
  }

  // Parameters and the input batch, from the rung's storage to its compute
  // type (f8 copies are scaled: multiply by the stored inverse scale;
  // decoded ones are bf16 already).
  IRMapping mapping;
  for (auto [i, index] : llvm::enumerate(old.params)) {
    Value copy = copies[i];
    if (vnni[i])
      copy = UnpackVNNIOp::create(b, loc, copy);
    if (scaledCopies) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value inverse =
          tensor::ExtractOp::create(b, loc, copyScales[i], ValueRange{zero});
      copy = at(b, copy, compute, inverse);
    }
    mapping.map(generic.getArgument(index), copy);
    narrowExact.insert(copy);
  }
  mapping.map(generic.getArgument(old.labels), labels);
  mapping.map(generic.getArgument(old.rows), rows);
  mapping.map(generic.getArgument(old.losses), losses);
  for (auto [i, index] : llvm::enumerate(old.accumulators))
    mapping.map(generic.getArgument(index), accumulators[i]);
  DenseSet<Value> accumulatorArgs(accumulators.begin(), accumulators.end());

  SmallVector<Value> gradients; // as written into the sets
  for (Operation &op : generic.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      SmallVector<Value> returned = llvm::map_to_vector(
          ret.getOperands(), [&](Value v) { return mapping.lookup(v); });
      // Overflow: any non-finite gradient (the step will be skipped).
      Value allFinite = arith::ConstantIntOp::create(b, loc, 1, 1);
      for (Value gradient : gradients)
        allFinite = arith::AndIOp::create(
            b, loc, allFinite, AllFiniteOp::create(b, loc, gradient));
      Value flag = arith::ExtUIOp::create(
          b, loc, b.getI32Type(),
          arith::XOrIOp::create(b, loc, allFinite,
                                arith::ConstantIntOp::create(b, loc, 1, 1)));
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      returned.push_back(tensor::InsertOp::create(b, loc, flag, overflowArg,
                                                  ValueRange{zero}));
      if (amaxScaling) {
        Value observed = amaxOut;
        for (auto [i, amax] : llvm::enumerate(observedAmax)) {
          Value position = arith::ConstantIndexOp::create(b, loc, i);
          observed = tensor::InsertOp::create(b, loc, amax, observed,
                                              ValueRange{position});
        }
        returned.push_back(observed);
      }
      func::ReturnOp::create(b, loc, returned);
      break;
    }
    // The input batch: slice the rung's buffer, then widen the valid rows.
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op);
        slice && slice.getSource() == generic.getArgument(old.input)) {
      Value batch = at(b, leadingRows(b, loc, input, rows), compute);
      narrowExact.insert(batch);
      mapping.map(slice.getResult(), batch);
      continue;
    }

    // grad_acc <- gradient, at the rung's gradient-set type (a loss-scaled
    // gradient unscaled in f32).
    if (auto write = dyn_cast<bufferization::MaterializeInDestinationOp>(op);
        write && accumulatorArgs.contains(mapping.lookup(write.getDest()))) {
      Value gradient = mapping.lookup(write.getSource());
      if (inverseLossScale)
        gradient = at(b, gradient, f32, inverseLossScale);
      gradient = at(b, gradient, gradientSetElementType(precision));
      Value written = writeInto(b, write.getLoc(), gradient,
                                mapping.lookup(write.getDest()));
      // The overflow check reads the set as written.
      gradients.push_back(written);
      mapping.map(write.getResult(), written);
      continue;
    }

    bool isDPS = isa<DPSDialect>(op.getDialect());
    bool pinned = !isDPS || isPinnedToF32(&op);
    Operation *clone = b.clone(op, mapping);

    b.setInsertionPoint(clone);
    Type want = pinned ? f32 : compute;
    for (OpOperand &operand : clone->getOpOperands()) {
      Value value = at(b, operand.get(), want);
      if (amaxScaling && !pinned && isContraction(clone) &&
          !narrowExact.contains(value))
        value = quantize(b, value);
      operand.set(value);
    }
    if (lossScaling && isa<SoftmaxCrossEntropyGradOp, MSEGradOp>(clone)) {
      // The loss is scaled: seed the backward pass with the loss scale.
      Value empty = tensor::EmptyOp::create(
          b, loc, ArrayRef<OpFoldResult>{rows}, f32);
      Value scaledSeed =
          linalg::FillOp::create(b, loc, ValueRange{lossScale},
                                 ValueRange{empty})
              .getResult(0);
      clone->setOperand(clone->getNumOperands() - 1, scaledSeed);
    }
    b.setInsertionPointAfter(clone);
    if (!pinned)
      for (Value result : clone->getResults())
        if (isFloatTensor(result) && elementType(result).isF32())
          result.setType(withElementType(result.getType(), compute));
    if (preservesValues(clone) && narrowExact.contains(clone->getOperand(0)))
      narrowExact.insert(clone->getResult(0));
    mapping.map(op.getResults(), clone->getResults());
  }
  return success();
}

/// `<step>_refresh_<P>`: (params..., copies..., [scales...]) -> copies (and
/// scales): each f32 master weight rounded to P, f8 under a per-tensor
/// scale whose inverse is stored next to the copy, or (decoded) multiplied
/// back by it into a bf16 copy.
LogicalResult buildRefreshKernel(TrainStepOp step, func::FuncOp generic,
                                 Type precision, bool decodeF8,
                                 bool vnniCopies) {
  Location loc = step.getLoc();
  Type f32 = Float32Type::get(step.getContext());
  bool scaled = isFloat8(precision);
  bool decoded = scaled && decodeF8;
  Type stored = copyElementType(precision, decodeF8);
  KernelArgs old = KernelArgs::of(generic);
  SmallVector<KernelArgSpec> specs;
  for (unsigned index : old.params)
    specs.push_back({generic.getArgument(index).getType(), ArgRole::param,
                     generic.getArgAttr(index, DPSDialect::kParamAttrName)});
  SmallVector<bool> vnni;
  llvm::append_range(specs,
                     copySpecs(generic, old.params, stored, vnniCopies, vnni));
  if (scaled && !decoded)
    for (size_t i = 0; i < old.params.size(); ++i)
      specs.push_back({RankedTensorType::get({1}, f32), ArgRole::param_copy});
  SmallVector<Type> results = llvm::map_to_vector(
      ArrayRef(specs).drop_front(old.params.size()),
      [](const KernelArgSpec &spec) { return spec.type; });
  FailureOr<func::FuncOp> kernel =
      createKernel(step, "refresh_" + typeName(precision), KernelKind::refresh,
                   precision, specs, results);
  if (failed(kernel))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  size_t n = old.params.size();
  ValueRange args = kernel->getArguments();
  SmallVector<Value> copies, scales;
  for (size_t i = 0; i < n; ++i) {
    Value master = args[i];
    Type copyType = withElementType(master.getType(), stored);
    if (!scaled) {
      copies.push_back(CastOp::create(b, loc, copyType, master, Value(),
                                      RoundingMode::nearest_even, Value(),
                                      /*saturate=*/precision.isF16()));
      continue;
    }
    Value amax = AmaxOp::create(b, loc, master);
    Value tiny = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1e-30f));
    double largest =
        PrecisionAttr::get(b.getContext(), precision).getMaxFinite();
    Value range = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(static_cast<float>(largest)));
    Value scale = arith::DivFOp::create(
        b, loc, range, arith::MaximumFOp::create(b, loc, amax, tiny));
    Value narrow = CastOp::create(
        b, loc, withElementType(master.getType(), precision), master, scale,
        RoundingMode::nearest_even, Value(), /*saturate=*/true);
    Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
    Value inverse = arith::DivFOp::create(b, loc, one, scale);
    if (decoded) {
      // As the gradient kernel decodes a stored f8 copy.
      copies.push_back(CastOp::create(b, loc, copyType, narrow, inverse,
                                      RoundingMode::nearest_even, Value(),
                                      /*saturate=*/false));
      continue;
    }
    copies.push_back(narrow);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    scales.push_back(tensor::InsertOp::create(b, loc, inverse, args[2 * n + i],
                                              ValueRange{zero}));
  }
  // The copies are written into the buffers passed for them.
  SmallVector<Value> returned;
  for (size_t i = 0; i < n; ++i) {
    Value copy = copies[i];
    if (vnni[i])
      copy = PackVNNIOp::create(b, loc, copy);
    returned.push_back(writeInto(b, loc, copy, args[n + i]));
  }
  llvm::append_range(returned, scales);
  func::ReturnOp::create(b, loc, returned);
  return success();
}

struct DPSSpecializePrecisionPass
    : public dps::impl::DPSSpecializePrecisionBase<DPSSpecializePrecisionPass> {
  using DPSSpecializePrecisionBase::DPSSpecializePrecisionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (TrainStepOp step : module.getOps<TrainStepOp>()) {
      auto generic = module.lookupSymbol<func::FuncOp>(
          (step.getSymName() + "_grad").str());
      if (!generic) {
        step.emitOpError() << "has no gradient kernel to specialise; run "
                              "dps-autodiff first";
        return signalPassFailure();
      }
      // Later rungs first: each kernel is inserted right after the step.
      for (Type rung : llvm::reverse(step.getLadder().getRungs())) {
        if (rung.isF32())
          continue;
        if (failed(buildRefreshKernel(step, generic, rung, decodeF8Copies,
                                      vnniCopies)) ||
            failed(
                RungSpecializer(step, generic, rung, decodeF8Copies, vnniCopies)
                    .build()))
          return signalPassFailure();
      }
      if (step.getLadder().indexOf(Float32Type::get(&getContext())) >= 0) {
        std::string name = (step.getSymName() + "_grad_f32").str();
        if (module.lookupSymbol(name)) {
          step.emitOpError() << "cannot derive '@" << name
                             << "': the symbol already exists";
          return signalPassFailure();
        }
        generic.setSymName(name);
      } else {
        generic.erase();
      }
    }
  }
};

} // namespace
