/**
 * The standard normal quantile, by Acklam's rational approximation (relative
 * error under 1.2e-9): the planner stands for a Poisson distribution of a
 * large mean by points at its normal quantiles. No maintained package of the
 * field ships it, and it is twenty lines.
 */

const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
/** Below it (and above 1 - it), the tails' approximation */
const TAIL = 0.02425

export function normalQuantile (p: number): number {
  if (p < TAIL || p > 1 - TAIL) {
    const q = Math.sqrt(-2 * Math.log(p < TAIL ? p : 1 - p))
    const x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    return p < TAIL ? x : -x
  }
  const q = p - 0.5
  const r = q * q
  return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
}
