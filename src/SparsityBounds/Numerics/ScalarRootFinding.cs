namespace SparsityBounds.Numerics;

/// <summary>A real function of one variable; a ref struct implementation may hold spans (no closure allocation).</summary>
internal interface IScalarFunction
{
    /// <summary>The function value at <paramref name="x"/>.</summary>
    double Evaluate(double x);
}

/// <summary>Root finding for continuous functions of one variable on a sign-changing bracket.</summary>
internal static class ScalarRootFinding
{
    /// <summary>
    /// Brent's method (R. P. Brent, "Algorithms for Minimization without Derivatives", 1973, ch. 4, the ZEROIN
    /// algorithm): inverse quadratic interpolation and secant steps, falling back to bisection whenever they do not
    /// shrink the bracket fast enough, so it never needs more than about (log₂ of the bracket/tolerance)² evaluations
    /// and usually converges superlinearly.
    /// </summary>
    /// <param name="function">The function; f(<paramref name="a"/>) and f(<paramref name="b"/>) must not have the same strict sign.</param>
    /// <param name="a">One end of the bracket.</param>
    /// <param name="b">The other end.</param>
    /// <param name="fa">f(a), already evaluated.</param>
    /// <param name="fb">f(b), already evaluated.</param>
    /// <param name="absoluteTolerance">Half-width of the final bracket, on top of 2 ulp of the root.</param>
    /// <param name="maxEvaluations">Evaluation budget; the best point so far is returned when it runs out.</param>
    /// <returns>A point within the tolerance of a sign change of f.</returns>
    internal static double Brent<TFunction>(ref TFunction function, double a, double b, double fa, double fb,
        double absoluteTolerance, int maxEvaluations = 200)
        where TFunction : IScalarFunction, allows ref struct
    {
        if (fa == 0) return a;
        if (fb == 0) return b;
        if (Math.Sign(fa) == Math.Sign(fb))
            throw new ArgumentException(FormattableString.Invariant(
                $"f(a) = {fa} and f(b) = {fb} have the same sign; the interval [{a}, {b}] does not bracket a root."), nameof(fb));

        double c = a, fc = fa;
        double d = b - a, e = d;
        for (int evaluation = 0; evaluation < maxEvaluations; evaluation++)
        {
            if (Math.Sign(fb) == Math.Sign(fc))
            {
                // Keep the root between b and c.
                c = a; fc = fa;
                d = b - a; e = d;
            }
            if (Math.Abs(fc) < Math.Abs(fb))
            {
                // b is always the best estimate so far.
                a = b; b = c; c = a;
                fa = fb; fb = fc; fc = fa;
            }
            double tolerance = 2.0 * double.Epsilon + 2.0 * 1.1102230246251565e-16 * Math.Abs(b) + 0.5 * absoluteTolerance;
            double half = 0.5 * (c - b);
            if (Math.Abs(half) <= tolerance || fb == 0) return b;

            if (Math.Abs(e) >= tolerance && Math.Abs(fa) > Math.Abs(fb))
            {
                double s = fb / fa, p, q;
                if (a == c)
                {
                    // Secant step.
                    p = 2.0 * half * s;
                    q = 1.0 - s;
                }
                else
                {
                    // Inverse quadratic interpolation through (a, fa), (b, fb), (c, fc).
                    double qa = fa / fc, r = fb / fc;
                    p = s * (2.0 * half * qa * (qa - r) - (b - a) * (r - 1.0));
                    q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
                }
                if (p > 0) q = -q; else p = -p;
                if (2.0 * p < Math.Min(3.0 * half * q - Math.Abs(tolerance * q), Math.Abs(e * q)))
                {
                    e = d;
                    d = p / q;
                }
                else
                {
                    d = half; e = d;   // interpolation would not shrink the bracket enough: bisect
                }
            }
            else
            {
                d = half; e = d;
            }
            a = b; fa = fb;
            b += Math.Abs(d) > tolerance ? d : (half > 0 ? tolerance : -tolerance);
            fb = function.Evaluate(b);
        }
        return b;
    }
}
