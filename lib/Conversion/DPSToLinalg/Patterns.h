//===- Patterns.h - per-group pattern populators ----------------*- C++ -*-===//
#ifndef DPS_LIB_CONVERSION_DPSTOLINALG_PATTERNS_H
#define DPS_LIB_CONVERSION_DPSTOLINALG_PATTERNS_H

namespace mlir {
class RewritePatternSet;
namespace dps {

void populateContractionLoweringPatterns(RewritePatternSet &patterns);
void populateConvolutionLoweringPatterns(RewritePatternSet &patterns,
                                         bool im2colConvolutions);
void populatePoolLoweringPatterns(RewritePatternSet &patterns);
void populateElementwiseLoweringPatterns(RewritePatternSet &patterns,
                                         bool nativeF8Casts);
void populateLossLoweringPatterns(RewritePatternSet &patterns);
void populateReshapeLoweringPatterns(RewritePatternSet &patterns);
void populateSoftmaxLoweringPatterns(RewritePatternSet &patterns);
void populateTrainingLoweringPatterns(RewritePatternSet &patterns);
void populateStatisticsLoweringPatterns(RewritePatternSet &patterns);

} // namespace dps
} // namespace mlir

#endif // DPS_LIB_CONVERSION_DPSTOLINALG_PATTERNS_H
