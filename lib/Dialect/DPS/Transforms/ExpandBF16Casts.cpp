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
    arith::populateExpandBFloat16Patterns(casts);
    if (failed(applyPatternsGreedily(module, std::move(casts))))
      signalPassFailure();
  }
};

} // namespace
