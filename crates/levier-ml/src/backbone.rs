//! Loading the encoder network of a model directory.

use crate::error::MlError;
use crate::linear::Precision;
use crate::model_dir::{Architecture, CONFIG_FILE, ModelDir, WEIGHTS_FILE};
use crate::transformer::{EncoderConfig, Transformer};
use candle_core::{DType, Device};
use candle_nn::VarBuilder;

/// Loads the weights of `dir` on the CPU, dense layers in `precision`; a missing or misshapen
/// tensor is reported as a corrupt weights file.
pub fn load_transformer(dir: &ModelDir, precision: Precision) -> Result<Transformer, MlError> {
    let weights = dir.path.join(WEIGHTS_FILE);
    let cfg: EncoderConfig = serde_json::from_value(dir.config.clone())
        .map_err(|e| MlError::corrupt(&dir.path.join(CONFIG_FILE), e))?;
    let position_offset = match dir.architecture {
        Architecture::Bert => 0,
        // fairseq numbers positions from the padding id + 1.
        Architecture::XlmRoberta => dir.pad_id() + 1,
    };
    // candle's mmap constructor is `unsafe` (another process could change the mapped file) and
    // levier forbids unsafe code, so the file is read; the buffer is freed once the weights are
    // copied into the model.
    let bytes = std::fs::read(&weights).map_err(|e| MlError::io(&weights, e))?;
    let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)
        .map_err(|e| MlError::corrupt(&weights, e))?;
    Transformer::load(vb, &cfg, position_offset, precision)
        .map_err(|e| MlError::corrupt(&weights, e))
}
