//===- Translations.h - dps-translate registrations -------------*- C++ -*-===//
#ifndef DPS_TARGET_TRANSLATIONS_H
#define DPS_TARGET_TRANSLATIONS_H

namespace mlir::dps {

/// `--dps-to-manifest`: the kernel ABI of a model's train step as JSON.
void registerManifestTranslation();

/// `--dps-to-llvmir` and `--dps-to-object` (`-o model.o`): a module at any
/// level compiled to LLVM IR or a native object (this host's CPU unless
/// `--dps-cpu` / `--dps-features` say otherwise).
void registerLLVMTranslations();

/// `--dps-to-ptx` and `--dps-to-cubin`: a model's GPU kernels (one
/// gpu.module per model) as PTX text or a cubin (`--dps-gpu-chip`, ...).
void registerGPUTranslations();

} // namespace mlir::dps

#endif // DPS_TARGET_TRANSLATIONS_H
