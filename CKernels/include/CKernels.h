#ifndef CKERNELS_H
#define CKERNELS_H
/* Umbrella header of cofail's numerical kernels. Each family header documents its functions. */
#include "cf_common.h"
#include "cf_normal.h"
#include "cf_bvn.h"
#include "cf_tables.h"
#include "cf_tetrachoric.h"
#include "cf_factor.h"
#include "cf_clayton.h"
#include "cf_binom.h"
#include "cf_ncm.h"
#include "cf_rng.h"
#include "cf_orthant.h"
#include "cf_simulate.h"
#include "cf_lp.h"
#include "cf_vote.h"
#include "cf_student.h"
#include "cf_order.h"
#include "cf_cs.h"
#include "cf_logistic.h"
#endif
