# Companion of compare_r.sh: times R beside cofail on the same matrix and checks agreement.
args <- commandArgs(trailingOnly = TRUE); dir <- args[1]; boot_r <- as.integer(args[2])
suppressMessages({library(psych); library(Matrix); library(mvtnorm)})
co <- jsonlite_free <- NULL
# minimal JSON field reader (no jsonlite in Debian's base set): "key": number
jnum <- function(txt, key) {
  line <- grep(paste0('"', key, '":'), txt, value = TRUE)[1]
  as.numeric(sub(paste0('.*"', key, '": *([-0-9.eE+]+).*'), "\\1", line))
}
cj <- readLines(file.path(dir, "cofail.json"))
X <- read.csv(file.path(dir, "m.csv"), check.names = FALSE)
E <- 1 - as.matrix(X[, -1]); m <- ncol(E); n <- nrow(E)
rows <- list()
add <- function(op, r_s, c_s, agree) {
  rows[[length(rows) + 1]] <<- data.frame(operation = op, R_seconds = r_s, cofail_seconds = c_s,
                                          ratio = r_s / c_s, agreement = agree)
}

# tetrachoric matrix: psych (smooth = FALSE, correct = .5) vs cofail's pairwise stage
t <- system.time(tp <- tetrachoric(E, correct = .5, smooth = FALSE, global = TRUE))[["elapsed"]]
t_whole <- t
r_psych <- tp$rho; mean_psych <- mean(r_psych[upper.tri(r_psych)])
add("tetrachoric matrix (psych::tetrachoric)", t, jnum(cj, "pairwise_tetrachoric"),
    sprintf("mean r: psych %.6f, cofail %.6f", mean_psych, jnum(cj, "mean_tetrachoric")))

# nearest correlation matrix of cofail's R_tet: Matrix::nearPD vs cofail's NCM stage
P <- read.csv(file.path(dir, "pairs.csv"))
names_ <- colnames(X)[-1]
R <- diag(m); dimnames(R) <- list(names_, names_)
for (k in seq_len(nrow(P))) { R[P$model_i[k], P$model_j[k]] <- R[P$model_j[k], P$model_i[k]] <- P$tetrachoric[k] }
t <- system.time(np <- nearPD(R, corr = TRUE, do2eigen = FALSE, conv.tol = 1e-10, maxit = 1000))[["elapsed"]]
t_whole <- t_whole + t
Xn <- as.matrix(np$mat)
add("nearest correlation matrix (Matrix::nearPD)", t, jnum(cj, "nearest_correlation_matrix"),
    sprintf("||R - X||_F: nearPD %.8f, cofail %.8f", norm(R - Xn, "F"), jnum(cj, "ncm_frobenius_distance")))

# beta_full: mvtnorm::pmvnorm GenzBretz (defaults) vs cofail's tilted estimator
e <- eigen(Xn, symmetric = TRUE); S <- cov2cor(e$vectors %*% diag(pmax(e$values, 1e-8)) %*% t(e$vectors))
tau <- qnorm(colMeans(E))
set.seed(1)
t <- system.time(pr <- pmvnorm(upper = tau, corr = S))[["elapsed"]]
bf <- jnum(cj, "beta_full"); bse <- jnum(cj, "beta_full_se")
add("beta_full orthant (mvtnorm::pmvnorm default)", t, jnum(cj, "beta_full_tilted"),
    sprintf("pmvnorm %.4e +- %.1e, cofail %.4e +- %.1e (z %.2f)", pr, attr(pr, "error"), bf, bse,
            (pr - bf) / sqrt(attr(pr, "error")^2 + bse^2)))

set.seed(1)
t <- system.time(pr2 <- pmvnorm(upper = tau, corr = S,
                                algorithm = GenzBretz(maxpts = 2e7, abseps = 2 * bse, releps = 0)))[["elapsed"]]
add(sprintf("beta_full orthant, pmvnorm to cofail's precision (abseps %.1e)", 2 * bse), t, jnum(cj, "beta_full_tilted"),
    sprintf("pmvnorm %.4e +- %.1e, cofail %.4e +- %.1e (z %.2f)", pr2, attr(pr2, "error"), bf, bse,
            (pr2 - bf) / sqrt(attr(pr2, "error")^2 + bse^2)))
t_whole <- t_whole + t

# bootstrap of the standard statistics in R (psych tetrachoric per replicate, integrate, uniroot)
bsf <- function(p, rho) {
  integrand <- function(f) dnorm(f) * sapply(f, function(z) prod(pnorm((qnorm(p) - sqrt(rho) * z) / sqrt(1 - rho))))
  integrate(integrand, -Inf, Inf, rel.tol = 1e-8)$value
}
stat <- function(Eb) {
  p <- colMeans(Eb); beta <- mean(apply(Eb, 1, min)); best <- max(1 - p)
  ph <- cor(Eb); rt <- suppressWarnings(tetrachoric(Eb, correct = .5, smooth = FALSE)$rho)
  mt <- mean(rt[upper.tri(rt)]); b <- bsf(p, mt)
  rs <- if (beta > prod(p) && beta < min(p)) {
    uniroot(function(r) log(bsf(p, r)) - log(beta), c(1e-6, 1 - 1e-6))$root
  } else NA
  c(beta, best, 1 - beta - best, mean(ph[upper.tri(ph)]), mt, b, beta / b, rs)
}
# the whole analyze workflow in R: the steps above plus beta_SF at the mean tetrachoric and rho*
p_full <- colMeans(E); beta_full_sample <- mean(apply(E, 1, min))
t <- system.time({
  bsf_tet <- bsf(p_full, mean_psych)
  rho_star <- if (beta_full_sample > prod(p_full) && beta_full_sample < min(p_full))
    uniroot(function(r) log(bsf(p_full, r)) - log(beta_full_sample), c(1e-6, 1 - 1e-6))$root else NA
})[["elapsed"]]
t_whole <- t_whole + t
at <- scan(file.path(dir, "analyze_time.txt"), quiet = TRUE)
add("analyze, whole process (R: tetrachoric + nearPD + pmvnorm at cofail's precision + beta_SF + rho*)", t_whole, at,
    sprintf("beta_SF: R %.5e, cofail %.5e; rho*: R %.4f, cofail %.4f", bsf_tet, jnum(cj, "beta_sf_tetrachoric"),
            rho_star, jnum(cj, "implied_rho")))
at0 <- scan(file.path(dir, "analyze_time_nocheck.txt"), quiet = TRUE)
add("analyze, same work as R (cofail --draws 0: no crude-MC agreement check, which R does not run)", t_whole, at0,
    "same beta_full estimator and target as the row above")

set.seed(2)
t <- system.time(for (b in seq_len(boot_r)) stat(E[sample.int(n, n, replace = TRUE), , drop = FALSE]))[["elapsed"]]
bt <- scan(file.path(dir, "boot_time.txt"), quiet = TRUE)
ph <- cor(E)
add(sprintf("bootstrap replicate, standard statistics (R: %d reps, cofail: %d reps)", boot_r, bt[1]),
    t / boot_r, bt[2] / bt[1],
    sprintf("full-sample beta: R %.5f, cofail %.5f; mean phi: R %.6f, cofail %.6f", mean(apply(E, 1, min)),
            jnum(cj, "beta"), mean(ph[upper.tri(ph)]), jnum(cj, "mean_phi")))

out <- do.call(rbind, rows)
cat(sprintf("\n%d queries x %d models, 2 threads for cofail (R single-threaded)\n\n", n, m))
cat("| operation | R (s) | cofail (s) | R / cofail | agreement |\n|---|---|---|---|---|\n")
for (i in seq_len(nrow(out))) {
  cat(sprintf("| %s | %.4g | %.4g | %s | %s |\n", out$operation[i], out$R_seconds[i], out$cofail_seconds[i],
              formatC(out$ratio[i], digits = 2, format = "fg"), out$agreement[i]))
}
