//===- InitAllDPS.h - register everything dps provides ----------*- C++ -*-===//
#ifndef DPS_INITALLDPS_H
#define DPS_INITALLDPS_H

namespace mlir {
class DialectRegistry;
namespace dps {

/// The dps dialect and the upstream dialects its passes produce.
void registerAllDialects(DialectRegistry &registry);
/// dps's passes and pipelines (`dps-lower-to-llvm`, ...).
void registerAllPasses();
/// dps's translations (`--dps-to-manifest`, ...).
void registerAllTranslations();

} // namespace dps
} // namespace mlir

#endif // DPS_INITALLDPS_H
