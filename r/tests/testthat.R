library(testthat)
library(robustmean)
test_check("robustmean")
