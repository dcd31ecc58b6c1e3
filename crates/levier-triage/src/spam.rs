//! Spam or not, with a threshold that puts the cost where it belongs: a customer's mail lost in
//! the spam folder costs far more than a spam an agent deletes.
//!
//! - **Features**: TF-IDF of the body (word uni- and bigrams, character 3–5-grams, levier-intent's
//!   vectoriser), a separate TF-IDF of the subject's words and character 3–5-grams (a word in
//!   the subject says more than the same word in the body; the character n-grams catch the
//!   misspelt and broken words spammers put there to slip past word lists, `inoencnt neigbhour
//!   teen gteting`), and a few facts about the mail: length, links, digits, capitals,
//!   attachments, whether it answers an earlier mail.
//! - **Model**: levier-intent's logistic regression over both, two classes, the features
//!   weighted by their naive-Bayes log-count ratios; a linear SVM ([`crate::svm`]) can join
//!   or replace it ([`SpamLearner`]), each learner's score calibrated to log-odds on
//!   out-of-fold predictions and the log-odds averaged.
//! - **Threshold**: chosen on out-of-fold predictions of the training mails only (stratified
//!   folds, each scored by a model that never saw it) to minimise
//!   `missed spams + false_positive_cost × hams marked spam`, optionally under a bound on the
//!   out-of-fold false-positive rate (`max_false_positive_rate`).
//! - **Confidence**: the spam probability calibrated on the same out-of-fold predictions.
//!
//! Measured with `levier bench spam` (see `levier-bench/src/spam.rs` for the numbers).

use levier_intent::{
    Calibrator, Linear, Method, Platt, Row, SparseRow, Tfidf, TfidfConfig, TrainConfig, stratified,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::TriageError;
use crate::mail::{Mail, first_chars};
use crate::svm::{Svm, SvmConfig};

/// How the spam filter is trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpamConfig {
    /// N-grams of the body.
    pub body: TfidfConfig,
    /// Words and character n-grams of the subject (`char_min > char_max` for words alone).
    pub subject: TfidfConfig,
    /// Weight of the subject's row next to the body's (both unit length before it).
    pub subject_weight: f32,
    /// Optimisation of the logistic regression.
    pub train: TrainConfig,
    /// Folds of the training mails scored out of fold to choose the threshold and calibrate.
    pub folds: usize,
    /// How many missed spams one ham marked spam is worth.
    pub false_positive_cost: f32,
    /// Largest share of the training hams the threshold may mark spam out of fold, whatever
    /// the cost says: the bound a company sets on losing customers' mails.
    #[serde(default = "no_bound")]
    pub max_false_positive_rate: f32,
    /// Characters of the body read: the start of a mail says what it is, and the rest costs
    /// time.
    pub max_body_chars: usize,
    /// Weigh the n-grams by their naive-Bayes log-count ratio before the regression.
    pub nb_weighting: bool,
    /// Seed of the folds and the mini-batch order.
    pub seed: u64,
    /// Which learners score a mail.
    #[serde(default)]
    pub learner: SpamLearner,
    /// The SVM's training, when it is one of the learners.
    #[serde(default)]
    pub svm: SvmConfig,
}

impl Default for SpamConfig {
    fn default() -> Self {
        SpamConfig {
            body: TfidfConfig {
                char_min: 3,
                char_max: 5,
                max_terms: 200_000,
            },
            // Character n-grams of the subject: on enron1 they cut the errors of the inner folds
            // by a sixth (levier-bench's `spam.rs`); the weight 0.7 is where those errors were
            // fewest (0.35: 452, 0.5: 403, 0.7: 397, 1: 398 of missed + 3 × hams marked).
            subject: TfidfConfig {
                char_min: 3,
                char_max: 5,
                max_terms: 20_000,
            },
            subject_weight: 0.7,
            train: TrainConfig {
                epochs: 24,
                min_steps: 400,
                batch: 32,
                learning_rate: 0.02,
                l2: 0.0,
            },
            folds: 3,
            false_positive_cost: 3.0,
            max_false_positive_rate: 1.0,
            max_body_chars: 6_000,
            nb_weighting: true,
            seed: 42,
            learner: SpamLearner::default(),
            svm: SvmConfig::default(),
        }
    }
}

fn no_bound() -> f32 {
    1.0
}

/// The filter's answer for one mail.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpamVerdict {
    /// Whether the mail goes to spam.
    pub spam: bool,
    /// Calibrated probability that it is spam.
    pub probability: f32,
    /// The learners' mean calibrated log-odds of spam, which the threshold compares (in a
    /// model stored before the SVM was added, the logistic regression's probability).
    pub score: f32,
}

/// A trained spam filter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpamFilter {
    features: SpamFeatures,
    model: Ensemble,
    calibrator: Calibrator,
    threshold: f32,
}

/// Class indices of the logistic regression.
const HAM: usize = 0;
const SPAM: usize = 1;

impl SpamFilter {
    /// Trains on mails and whether each is spam (both classes needed).
    pub fn train(mails: &[&Mail], spam: &[bool], config: &SpamConfig) -> Result<Self, TriageError> {
        check_training(mails, spam, config)?;
        let features = SpamFeatures::fit(mails, config);
        let rows: Vec<Row> = mails.par_iter().map(|m| features.row(m)).collect();
        let labels: Vec<usize> = spam.iter().map(|&s| if s { SPAM } else { HAM }).collect();
        let dim = features.sparse_dim();
        let (mut model, raw) = rayon::join(
            || Ensemble::fit(&rows, &labels, dim, config, config.seed),
            || out_of_fold_scores(&rows, &labels, dim, config),
        );
        model.calibrators = learner_calibrators(&raw, spam);
        let scores: Vec<f32> = raw.iter().map(|r| model.combine(r)).collect();
        let calibrator = Calibrator::fit(Method::Auto, &scores, spam);
        let threshold = cost_threshold(
            &scores,
            spam,
            config.false_positive_cost,
            config.max_false_positive_rate,
        );
        Ok(SpamFilter {
            features,
            model,
            calibrator,
            threshold,
        })
    }

    /// Judges one mail.
    pub fn predict(&self, mail: &Mail) -> SpamVerdict {
        let score = self.model.score(&self.features.row(mail));
        SpamVerdict {
            spam: score >= self.threshold,
            probability: self.calibrator.probability(score),
            score,
        }
    }

    /// The raw score from which a mail is spam.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }
}

fn check_training(mails: &[&Mail], spam: &[bool], config: &SpamConfig) -> Result<(), TriageError> {
    if mails.len() != spam.len() {
        return Err(TriageError::Training(format!(
            "{} mails but {} spam labels",
            mails.len(),
            spam.len()
        )));
    }
    let spams = spam.iter().filter(|&&s| s).count();
    let least = spams.min(spam.len() - spams);
    if least < config.folds.max(2) {
        return Err(TriageError::Training(format!(
            "{spams} spam and {} ham mails: give at least {} of each",
            spam.len() - spams,
            config.folds.max(2)
        )));
    }
    Ok(())
}

/// Which learners score a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
///
/// The logistic regression alone is the default: on enron1 (5 folds) adding the SVM marked
/// more hams spam (26 instead of 17) for the same spams missed, and trained slower (see
/// levier-bench's `spam.rs`).
pub enum SpamLearner {
    /// levier-intent's logistic regression alone.
    #[default]
    Logistic,
    /// The linear SVM alone.
    Svm,
    /// Both, their calibrated log-odds averaged.
    Both,
}

/// The learners over features weighted by their naive-Bayes log-count ratio (how much likelier
/// a feature is in spam than in ham; Wang & Manning's NBSVM): on small text sets this beats
/// either model alone, because rare but telling n-grams start with the weight naive Bayes
/// gives them instead of waiting for the optimiser to find them.
///
/// Each learner's raw score (log-odds, margin) is mapped onto calibrated log-odds by a Platt
/// sigmoid's linear part, fitted on out-of-fold scores of the training mails, and the mail's
/// score is their mean. Log-odds rather than probabilities: in `f32` the probabilities of the
/// surest mails all round to 1 and the threshold could no longer tell them apart. A model
/// stored before the SVM existed has one learner and no sigmoid: its score is the logistic
/// regression's probability, as it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Ensemble {
    ratios: Vec<f32>,
    #[serde(default)]
    linear: Option<Linear>,
    #[serde(default)]
    svm: Option<Svm>,
    #[serde(default)]
    calibrators: Vec<Platt>,
}

impl Ensemble {
    /// Fits the configured learners (calibrators are set afterwards from out-of-fold scores).
    fn fit(rows: &[Row], labels: &[usize], dim: usize, config: &SpamConfig, seed: u64) -> Self {
        let ratios = if config.nb_weighting {
            log_count_ratios(rows, labels, dim)
        } else {
            vec![1.0; dim]
        };
        let weighted: Vec<Row> = rows.iter().map(|r| weigh(r, &ratios)).collect();
        let spam: Vec<bool> = labels.iter().map(|&l| l == SPAM).collect();
        let (linear, svm) = rayon::join(
            || {
                (config.learner != SpamLearner::Svm)
                    .then(|| Linear::train(&weighted, labels, 2, dim, &config.train, seed))
            },
            || {
                (config.learner != SpamLearner::Logistic)
                    .then(|| Svm::train(&weighted, &spam, dim, &config.svm, seed))
            },
        );
        Ensemble {
            ratios,
            linear,
            svm,
            calibrators: Vec::new(),
        }
    }

    /// Each learner's raw score of a row: the logistic regression's log-odds of spam, the
    /// SVM's margin.
    fn raw_scores(&self, row: &Row) -> Vec<f32> {
        let row = weigh(row, &self.ratios);
        let linear = self.linear.iter().map(|l| {
            let p = l.probabilities(&row);
            (p[SPAM].ln() - p[HAM].ln()).clamp(-MAX_LOG_ODDS, MAX_LOG_ODDS)
        });
        linear
            .chain(self.svm.iter().map(|s| s.margin(&row)))
            .collect()
    }

    /// The mean of the learners' calibrated log-odds.
    fn combine(&self, raw: &[f32]) -> f32 {
        if self.calibrators.is_empty() {
            // A model stored before: one logistic regression, its probability.
            return raw.first().map_or(0.5, |&r| 1.0 / (1.0 + (-r).exp()));
        }
        let sum: f32 = raw
            .iter()
            .zip(&self.calibrators)
            .map(|(&r, c)| -(c.a * r + c.b))
            .sum();
        sum / raw.len().max(1) as f32
    }

    fn score(&self, row: &Row) -> f32 {
        self.combine(&self.raw_scores(row))
    }
}

/// Log-odds beyond which a probability says nothing more (and `f32` rounds it to 0 or 1).
const MAX_LOG_ODDS: f32 = 40.0;

/// ln((spam share of the feature) / (ham share of the feature)), add-one smoothed.
fn log_count_ratios(rows: &[Row], labels: &[usize], dim: usize) -> Vec<f32> {
    let (mut spam, mut ham) = (vec![1.0f64; dim], vec![1.0f64; dim]);
    for (row, &label) in rows.iter().zip(labels) {
        let sums = if label == SPAM { &mut spam } else { &mut ham };
        for &(j, x) in &row.sparse {
            sums[j as usize] += f64::from(x);
        }
    }
    let (spam_total, ham_total) = (spam.iter().sum::<f64>(), ham.iter().sum::<f64>());
    spam.iter()
        .zip(&ham)
        .map(|(p, q)| ((p / spam_total) / (q / ham_total)).ln() as f32)
        .collect()
}

/// A row with its sparse features multiplied by their ratios (features unseen in training
/// have none and are dropped: they carry no weight anyway).
fn weigh(row: &Row, ratios: &[f32]) -> Row {
    Row {
        dense: row.dense.clone(),
        sparse: row
            .sparse
            .iter()
            .filter_map(|&(j, x)| Some((j, x * ratios.get(j as usize)?)))
            .collect(),
    }
}

/// Each training mail's raw scores (one per learner) from learners fitted on the other folds
/// (the vocabulary is the whole training set's: it only decides which columns exist, not
/// their weights).
fn out_of_fold_scores(
    rows: &[Row],
    labels: &[usize],
    dim: usize,
    config: &SpamConfig,
) -> Vec<Vec<f32>> {
    let fold_of = stratified(labels, config.folds, config.seed);
    let per_fold: Vec<Vec<(usize, Vec<f32>)>> = (0..config.folds)
        .into_par_iter()
        .map(|fold| {
            let (train, held): (Vec<usize>, Vec<usize>) =
                (0..rows.len()).partition(|&i| fold_of[i] != fold);
            let train_rows: Vec<Row> = train.iter().map(|&i| rows[i].clone()).collect();
            let train_labels: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
            let seed = config.seed ^ (fold as u64 + 1);
            let model = Ensemble::fit(&train_rows, &train_labels, dim, config, seed);
            held.into_iter()
                .map(|i| (i, model.raw_scores(&rows[i])))
                .collect()
        })
        .collect();
    let mut scores = vec![Vec::new(); rows.len()];
    for (i, raw) in per_fold.into_iter().flatten() {
        scores[i] = raw;
    }
    scores
}

/// One Platt sigmoid per learner, fitted on its out-of-fold raw scores.
fn learner_calibrators(scores: &[Vec<f32>], spam: &[bool]) -> Vec<Platt> {
    let learners = scores.first().map_or(0, Vec::len);
    (0..learners)
        .map(|k| {
            let raw: Vec<f32> = scores.iter().map(|s| s[k]).collect();
            Platt::fit(&raw, spam)
        })
        .collect()
}

/// The threshold minimising `missed spams + cost × hams marked spam` on held-out scores among
/// those that mark at most `max_false_positive_rate` of the hams spam; ties go to the highest
/// threshold (fewest hams lost).
fn cost_threshold(
    scores: &[f32],
    spam: &[bool],
    false_positive_cost: f32,
    max_false_positive_rate: f32,
) -> f32 {
    let mut points: Vec<(f32, bool)> = scores.iter().copied().zip(spam.iter().copied()).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let hams = points.iter().filter(|p| !p.1).count() as f32;
    let (mut missed, mut false_positives) = (0.0f32, hams);
    // Above every score nothing is spam: always allowed (`f32::MAX`, not infinity, which JSON
    // cannot hold).
    let mut best = (f32::INFINITY, f32::MAX);
    // Threshold at points[k].0: points[..k] are ham-marked, points[k..] spam-marked.
    for k in 0..points.len() {
        if k > 0 {
            if points[k - 1].1 {
                missed += 1.0;
            } else {
                false_positives -= 1.0;
            }
        }
        let distinct = k == 0 || points[k].0 > points[k - 1].0;
        let allowed = false_positives <= max_false_positive_rate * hams;
        let cost = missed + false_positive_cost * false_positives;
        if distinct && allowed && cost <= best.0 {
            best = (cost, points[k].0);
        }
    }
    let all_ham = points.iter().filter(|p| p.1).count() as f32;
    if all_ham < best.0 {
        best.1 = f32::MAX;
    }
    best.1
}

/// How many facts [`mail_facts`] gives: the width of the dense part of a row.
const FACTS: usize = 7;

/// Facts about a mail that its words do not say, each scaled to about 0–1: length, links,
/// digits, capitals, non-ASCII letters, attachments, and whether it answers an earlier mail.
/// (Counts of `!`, `$` and `%` were tried too: on enron1 they traded three more hams marked
/// spam for four fewer spams missed.)
fn mail_facts(mail: &Mail, body: &str) -> [f32; FACTS] {
    let chars = body.chars().count().max(1) as f32;
    let share = |pred: fn(&char) -> bool| body.chars().filter(pred).count() as f32 / chars;
    let links = body.matches("http").count() + body.matches("www").count();
    [
        (1.0 + chars).ln() / 10.0,
        ((1 + links) as f32).ln() / 3.0,
        share(char::is_ascii_digit),
        share(char::is_ascii_uppercase),
        share(|c| !c.is_ascii()),
        (mail.attachments.len().min(5) as f32) / 5.0,
        f32::from(u8::from(
            !mail.in_reply_to.is_empty() || mail.quoted.is_some(),
        )),
    ]
}

/// The fitted vocabularies.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SpamFeatures {
    body: Tfidf,
    subject: Tfidf,
    subject_weight: f32,
    max_body_chars: usize,
}

impl SpamFeatures {
    fn fit(mails: &[&Mail], config: &SpamConfig) -> Self {
        let (bodies, subjects): (Vec<&str>, Vec<&str>) = mails
            .iter()
            .map(|m| {
                (
                    first_chars(&m.body, config.max_body_chars),
                    m.subject.as_str(),
                )
            })
            .unzip();
        let (body, subject) = rayon::join(
            || Tfidf::fit(&bodies, config.body),
            || Tfidf::fit(&subjects, config.subject),
        );
        SpamFeatures {
            body,
            subject,
            subject_weight: config.subject_weight,
            max_body_chars: config.max_body_chars,
        }
    }

    fn sparse_dim(&self) -> usize {
        self.body.len() + self.subject.len()
    }

    fn row(&self, mail: &Mail) -> Row {
        let body = first_chars(&mail.body, self.max_body_chars);
        let mut sparse: SparseRow = self.body.transform(body);
        let offset = self.body.len() as u32;
        sparse.extend(
            self.subject
                .transform(&mail.subject)
                .into_iter()
                .map(|(j, v)| (j + offset, v * self.subject_weight)),
        );
        Row {
            dense: mail_facts(mail, body).to_vec(),
            sparse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_weighs_false_positives_more() {
        let scores = [0.1, 0.2, 0.45, 0.5, 0.55, 0.9, 0.95];
        let spam = [false, false, true, false, true, true, true];
        // At cost 1, 0.45 (one ham marked spam) and 0.55 (one spam missed) tie: the higher wins.
        assert_eq!(cost_threshold(&scores, &spam, 1.0, 1.0), 0.55);
        assert_eq!(cost_threshold(&scores, &spam, 5.0, 1.0), 0.55);
        let clean = [false, false, true, true];
        assert_eq!(cost_threshold(&[0.1, 0.2, 0.8, 0.9], &clean, 5.0, 1.0), 0.8);
    }

    #[test]
    fn a_misspelt_subject_word_still_has_features() {
        let mail = |subject: &str| {
            let raw = format!("Subject: {subject}\r\n\r\nsee you tomorrow\r\n");
            crate::parse_mail("test", raw.as_bytes(), &crate::MailLimits::default()).unwrap()
        };
        let seen = [mail("cheap viagra tonight"), mail("meeting notes")];
        let seen: Vec<&Mail> = seen.iter().collect();
        let features = SpamFeatures::fit(&seen, &SpamConfig::default());
        // Not one of its words was seen in a subject, but its character n-grams were.
        let row = features.row(&mail("cheeap v1agra"));
        let offset = features.body.len() as u32;
        assert!(row.sparse.iter().any(|&(j, v)| j >= offset && v > 0.0));
    }

    #[test]
    fn the_threshold_keeps_the_false_positive_rate_bound() {
        // At cost 0.1 marking all three hams spam is cheapest (one spam would be missed).
        let scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        let spam = [true, false, false, true, false, true];
        assert_eq!(cost_threshold(&scores, &spam, 0.1, 1.0), 0.1);
        // At most a third of the hams (one) may be marked spam: from 0.4 on.
        assert_eq!(cost_threshold(&scores, &spam, 0.1, 0.34), 0.4);
        // None at all: from 0.6 on, past the last ham.
        assert_eq!(cost_threshold(&scores, &spam, 0.1, 0.0), 0.6);
    }
}
