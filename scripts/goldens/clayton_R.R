#!/usr/bin/env Rscript
# Golden Clayton calibration (METHODS §5) from R: theta = uniroot of
#   mean_{i<j} (p_i^-theta + p_j^-theta - 1)^(-1/theta) - target   (tol 1e-14),
# then beta_Clayton = (sum p_i^-theta - m + 1)^(-1/theta).
# Writes Tests/CoFailTests/Goldens/clayton.csv (case,theta,log_beta_clayton) and clayton_p.csv.
set.seed(11)
cases <- list(a = list(p = runif(12, 0.1, 0.5), target = NA), b = list(p = runif(40, 0.02, 0.2), target = NA))
out <- data.frame(); pp <- data.frame()
for (nm in names(cases)) {
  p <- cases[[nm]]$p; m <- length(p)
  pr <- combn(m, 2)
  C <- function(th) mean((p[pr[1, ]]^-th + p[pr[2, ]]^-th - 1)^(-1 / th))
  target <- (mean(p[pr[1, ]] * p[pr[2, ]]) + mean(pmin(p[pr[1, ]], p[pr[2, ]]))) / 2
  th <- uniroot(function(t) C(t) - target, c(1e-6, 50), tol = 1e-14)$root
  out <- rbind(out, data.frame(case = nm, target = target, theta = th, log_beta_clayton = -log(sum(p^-th) - m + 1) / th))
  pp <- rbind(pp, data.frame(case = nm, p = p))
}
write.csv(format(out, digits = 17), "Tests/CoFailTests/Goldens/clayton.csv", row.names = FALSE, quote = FALSE)
write.csv(format(pp, digits = 17), "Tests/CoFailTests/Goldens/clayton_p.csv", row.names = FALSE, quote = FALSE)
print(out)
