//===- DPSToLinalg.cpp - the convert-dps-to-linalg pass --------------------===//
#include "Patterns.h"

#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dps {
#define GEN_PASS_DEF_CONVERTDPSTOLINALG
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

void mlir::dps::populateDPSToLinalgPatterns(RewritePatternSet &patterns,
                                            bool nativeF8Casts,
                                            bool im2colConvolutions) {
  populateContractionLoweringPatterns(patterns);
  populateConvolutionLoweringPatterns(patterns, im2colConvolutions);
  populatePoolLoweringPatterns(patterns);
  populateElementwiseLoweringPatterns(patterns, nativeF8Casts);
  populateLossLoweringPatterns(patterns);
  populateReshapeLoweringPatterns(patterns);
  populateSoftmaxLoweringPatterns(patterns);
  populateTrainingLoweringPatterns(patterns);
  populateStatisticsLoweringPatterns(patterns);
}

namespace {
struct ConvertDPSToLinalgPass
    : public dps::impl::ConvertDPSToLinalgBase<ConvertDPSToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addIllegalDialect<DPSDialect>();
    target.addLegalOp<TrainStepOp>();
    RewritePatternSet patterns(ctx);
    populateDPSToLinalgPatterns(patterns, nativeF8Casts, im2colConvolutions);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
