//! Random but clustered unit vectors, shaped like sentence embeddings: topics, sub-topics
//! within them, and noise. Uniform random vectors would be unrealistically hard (every
//! neighbour nearly as far as any other) and well-separated blobs unrealistically easy.
//! Shared by the vector tests and `examples/vectors.rs`.
#![allow(dead_code)]

/// Vectors of `dims` values: `topics` topics of `subtopics` sub-topics each, one point in
/// `count` per draw. The same seed gives the same vectors.
pub struct Clustered {
    rng: SplitMix,
    dims: usize,
    subtopics: Vec<Vec<f32>>,
}

impl Clustered {
    pub fn new(dims: usize, topics: usize, subtopics: usize, seed: u64) -> Clustered {
        let mut rng = SplitMix(seed);
        let mut all = Vec::with_capacity(topics * subtopics);
        for _ in 0..topics {
            let topic = rng.gaussian_vector(dims, 1.0);
            for _ in 0..subtopics {
                let offset = rng.gaussian_vector(dims, 0.7);
                all.push(topic.iter().zip(&offset).map(|(t, o)| t + o).collect());
            }
        }
        Clustered {
            rng,
            dims,
            subtopics: all,
        }
    }

    /// A new unit vector near a random sub-topic.
    pub fn next(&mut self) -> Vec<f32> {
        let pick = (self.rng.next_u64() % self.subtopics.len() as u64) as usize;
        let noise = self.rng.gaussian_vector(self.dims, 0.6);
        let v: Vec<f32> = self.subtopics[pick]
            .iter()
            .zip(&noise)
            .map(|(s, n)| s + n)
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / norm).collect()
    }
}

struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// `dims` normal values of total length about `length` (Box–Muller).
    fn gaussian_vector(&mut self, dims: usize, length: f64) -> Vec<f32> {
        let sigma = length / (dims as f64).sqrt();
        (0..dims)
            .map(|_| {
                let (u, v) = (self.unit(), self.unit());
                ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos() * sigma) as f32
            })
            .collect()
    }
}

/// Share of `expected` found in `got` (recall@k with k = expected.len()).
pub fn recall<T: PartialEq>(got: &[T], expected: &[T]) -> f64 {
    if expected.is_empty() {
        return 1.0;
    }
    expected.iter().filter(|e| got.contains(e)).count() as f64 / expected.len() as f64
}
