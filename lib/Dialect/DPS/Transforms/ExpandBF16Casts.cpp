//===- ExpandBF16Casts.cpp - bf16 without AVX512-BF16 ---------------------===//
//
// On CPUs without AVX512-BF16, LLVM lowers an f32 -> bf16 truncation to a
// call of compiler-rt's __truncsfbf2, which the kernels do not link, and it
// computes arithmetic on bf16 (a ReLU's maximum, an exp) in f32 with such a
// truncation after it. Upstream's arith and math patterns do both in the IR
// instead: arithmetic on bf16 becomes f32 arithmetic between casts (exact
// for a maximum), then every cast becomes integer ops (the same rounding as
// the runtime's sample store). The backend may still round-trip a bf16 value
// through f32 while legalizing a select or a shuffle of bf16 vectors; the
// module therefore defines __truncsfbf2 itself, by the same integer code.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSEXPANDBF16CASTS
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;

namespace {

/// The builtin LLVM calls for an f32 -> bf16 truncation it cannot compile
/// to an instruction: `weak_odr` (kept until code generation, which is
/// when the calls appear), its body a truncf this pass then expands.
void defineTruncBuiltin(ModuleOp module) {
  constexpr StringLiteral name = "__truncsfbf2";
  if (module.lookupSymbol(name))
    return;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = module.getLoc();
  auto type = b.getFunctionType(b.getF32Type(), b.getBF16Type());
  auto func = func::FuncOp::create(b, loc, name, type);
  func->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::WeakODR));
  b.setInsertionPointToStart(func.addEntryBlock());
  Value rounded =
      arith::TruncFOp::create(b, loc, b.getBF16Type(), func.getArgument(0));
  func::ReturnOp::create(b, loc, rounded);
}

/// f32 -> bf16 as upstream's expansion computes it (round to nearest even:
/// add 0x7FFF plus the kept part's lowest bit, shift right by 16; NaN to
/// the quiet NaN 0x7FC0), with the NaN test and its select on the 32-bit
/// lanes. Upstream selects between 16-bit lanes with a mask from an f32
/// compare. AVX2 has no select of mixed lane widths, so LLVM scalarized it
/// into a vucomiss and a cmov per element: on Zen 3 that was a third of a
/// bf16 rung's one-row gradient call (rounding its 200k-weight gradient
/// set).
struct TruncFToBF16 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isBF16() ||
        !getElementTypeOrSelf(op.getIn().getType()).isF32())
      return failure();
    if (auto mode = op.getRoundingmode();
        mode && *mode != arith::RoundingMode::to_nearest_even)
      return failure();
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    auto like = [&](Type element) -> Type {
      if (auto vector = dyn_cast<VectorType>(type))
        return vector.clone(element);
      return element;
    };
    Type i32 = like(b.getI32Type()), i16 = like(b.getI16Type());
    auto constant = [&](int64_t value) {
      return createScalarOrSplatConstant(b, b.getLoc(), i32, value);
    };
    Value bits = arith::BitcastOp::create(b, i32, op.getIn());
    Value c16 = constant(16);
    Value lowestKept = arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, bits, c16), constant(1));
    Value bias = arith::AddIOp::create(b, lowestKept, constant(0x7FFF));
    Value rounded =
        arith::ShRUIOp::create(b, arith::AddIOp::create(b, bits, bias), c16);
    Value magnitude = arith::AndIOp::create(b, bits, constant(0x7FFFFFFF));
    Value isNaN = arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, magnitude,
                                        constant(0x7F800000));
    Value result = arith::SelectOp::create(b, isNaN, constant(0x7FC0), rounded);
    Value narrow = arith::TruncIOp::create(b, i16, result);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, type, narrow);
    return success();
  }
};

struct DPSExpandBF16CastsPass
    : public dps::impl::DPSExpandBF16CastsBase<DPSExpandBF16CastsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    defineTruncBuiltin(module);

    // Arithmetic and math on bf16 -> f32 between casts.
    Type bf16 = BFloat16Type::get(ctx), f32 = Float32Type::get(ctx);
    TypeConverter arithTypes;
    arith::populateEmulateUnsupportedFloatsConversions(arithTypes, bf16, f32);
    TypeConverter mathTypes;
    SetVector<Type> supported; // everything but bf16: LLVM compiles f16 too
    supported.insert(Float16Type::get(ctx));
    supported.insert(f32);
    supported.insert(Float64Type::get(ctx));
    math::populateExtendToSupportedTypesTypeConverter(mathTypes, supported,
                                                      f32);
    ConversionTarget target(*ctx);
    arith::populateEmulateUnsupportedFloatsLegality(target, arithTypes);
    math::populateExtendToSupportedTypesConversionTarget(target, mathTypes);
    RewritePatternSet emulation(ctx);
    arith::populateEmulateUnsupportedFloatsPatterns(emulation, arithTypes);
    math::populateExtendToSupportedTypesPatterns(emulation, mathTypes);
    if (failed(applyPartialConversion(module, target, std::move(emulation))))
      return signalPassFailure();

    // The casts -> integer ops.
    RewritePatternSet casts(ctx);
    casts.add<TruncFToBF16>(ctx, /*benefit=*/2);
    arith::populateExpandBFloat16Patterns(casts);
    if (failed(applyPatternsGreedily(module, std::move(casts))))
      signalPassFailure();
  }
};

} // namespace
