using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>
/// The per-eigenvalue term of the squared Gaussian width of the sublevel-set ellipsoid seen from distance R
/// (THEORY.md §3), as an allocation-free spectral function: summed over the spectrum it gives W(R).
/// </summary>
/// <remarks>
/// With a(λ) = |λ| (<see cref="NegativeCurvature.Absolute"/>) or max(λ, 0) (<see cref="NegativeCurvature.Clip"/>):
/// Paper f(λ) = 2ε / (2ε + a(λ)R²) (Larsen et al., ICLR 2022); Tangent f(λ) = min(1, 2ε / (a(λ)R²)).
/// Zero curvature contributes exactly 1.
/// </remarks>
internal readonly struct SublevelSetWidthTerm(double epsilon, double distance, NegativeCurvature policy, WidthApproximation width)
    : ISpectralFunction
{
    private readonly double _twoEpsilon = 2 * epsilon;
    private readonly double _rSquared = distance * distance;

    internal static double Curvature(double lambda, NegativeCurvature policy) =>
        policy == NegativeCurvature.Absolute ? Math.Abs(lambda) : Math.Max(lambda, 0.0);

    public double Evaluate(double eigenvalue)
    {
        double a = Curvature(eigenvalue, policy) * _rSquared;
        return width == WidthApproximation.Paper
            ? _twoEpsilon / (_twoEpsilon + a)
            : (a <= _twoEpsilon ? 1.0 : _twoEpsilon / a);
    }
}

/// <summary>a(λ): |λ| or max(λ, 0), summed over the spectrum it gives tr|H| or tr H₊.</summary>
internal readonly struct CurvatureTerm(NegativeCurvature policy) : ISpectralFunction
{
    public double Evaluate(double eigenvalue) => SublevelSetWidthTerm.Curvature(eigenvalue, policy);
}
