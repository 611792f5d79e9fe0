namespace SparsityBounds.Tests.Geometry;

/// <summary>
/// Golden values copied from /work/shared/ORACLES.md (computed there with mpmath at 40 digits from the closed forms of
/// THEORY.md §6, Monte Carlo values with their standard errors). Where ORACLES.md prints 6 digits, a second constant
/// carries the same quantity recomputed with mpmath 1.3.0 at 40 digits (18 significant digits kept) so the tests can
/// hold the implementation to 1e-10; each agrees with ORACLES.md to its printed digits.
/// </summary>
internal static class GeometryGoldenValues
{
    // δ of circular cones: (d, α, ORACLES.md value, mpmath 18 digits).
    internal static readonly (int Dimension, double Angle, double Printed, double Precise)[] CircularStatisticalDimensions =
    [
        (3, Math.PI / 6, 1.133974596, 1.13397459621556135),
        (10, Math.PI / 6, 2.983549, 2.98354671211585716),
        (10, Math.PI / 3, 7.016451, 7.01645328788414284),
        (50, 0.3, 5.18793, 5.18792519022482658),
        (100, 0.1, 1.90066, 1.90065991590970649),
        (100, Math.PI / 4, 50.0, 50.0),
    ];

    internal const double MonotoneCone10 = 2.928968;   // H_10 = 7381/2520
    internal const double OrthantMonteCarlo100 = 49.96, OrthantMonteCarlo100Error = 0.08;

    // ψ(ρ) and τ*(ρ): (ρ, ψ printed, τ* printed, ψ mpmath, τ* mpmath).
    internal static readonly (double Rho, double Psi, double Tau, double PsiPrecise, double TauPrecise)[] L1Limits =
    [
        (0.01, 0.061244, 1.94511, 0.0612439594363856394, 1.94511137465447083),
        (0.05, 0.203900, 1.39838, 0.203899856329639938, 1.39837712467595916),
        (0.10, 0.328794, 1.14017, 0.328793505453630059, 1.14017114583574202),
        (0.20, 0.511130, 0.861592, 0.511129610373096786, 0.861592112415828812),
        (0.30, 0.645572, 0.684476, 0.64557229199697751, 0.684475899439954465),
        (0.50, 0.831300, 0.436327, 0.831299905706456204, 0.436326563793651589),
        (0.70, 0.941564, 0.246607, 0.941563664589450308, 0.246607221357103932),
        (0.90, 0.993620, 0.0800439, 0.993620232235897492, 0.080043923197626128),
    ];

    // Finite (d, s): d·ψ(s/d) and the Monte Carlo δ of the true cone with one standard error.
    internal static readonly (int Dimension, int Sparsity, double Formula, double MonteCarlo, double MonteCarloError)[] L1Finite =
    [
        (100, 5, 20.3900, 19.889, 0.017),
        (100, 10, 32.8794, 32.304, 0.021),
        (100, 25, 58.2858, 57.640, 0.037),
        (1000, 50, 203.900, 203.64, 0.17),
    ];

    // E(|g| − τ)₊²: (τ, ORACLES.md value, mpmath).
    internal static readonly (double Tau, double Printed, double Precise)[] ShrinkageMoments =
    [
        (0.0, 1.0, 1.0),
        (0.5, 0.419279, 0.419278520050667763),
        (1.0, 0.150680, 0.150679566687541506),
        (2.0, 0.0115375, 0.0115374534290398642),
        (3.0, 0.00040687, 0.000406870160973847479),
    ];

    // Two circular cones: (d, α, β, P printed, P mpmath).
    internal static readonly (int Dimension, double Alpha, double Beta, double Printed, double Precise)[] CircularPairs =
    [
        (3, Math.PI / 6, Math.PI / 6, 0.25, 0.25),
        (5, Math.PI / 5, Math.PI / 7, 0.171200, 0.171200483984235808),
        (10, Math.PI / 4, Math.PI / 6, 0.221099, 0.221099215864049777),
        (20, Math.PI / 3, Math.PI / 5, 0.673975, 0.673975345793776503),
        (20, Math.PI / 8, Math.PI / 9, 6.85734e-05, 0.0000685733681110584552),
    ];

    // Circular cone and a k-dimensional subspace (Crofton): (d, α, k, P printed, P mpmath).
    internal static readonly (int Dimension, double Angle, int Subspace, double Printed, double Precise)[] Crofton =
    [
        (5, Math.PI / 6, 2, 0.125, 0.125),
        (10, Math.PI / 4, 5, 0.5, 0.5),
        (10, Math.PI / 8, 8, 0.469210, 0.469209957055044678),
        (30, Math.PI / 3, 10, 0.741535, 0.741534601897001266),
    ];

    // Wendel: (d, k, numerator, denominator) exact, and the two decimal rows.
    internal static readonly (int Dimension, int Subspace, long Numerator, long Denominator)[] WendelExact =
    [
        (2, 1, 1, 2), (3, 2, 3, 4), (5, 2, 5, 16), (10, 3, 23, 256), (20, 5, 1259, 131072), (20, 15, 129813, 131072),
    ];

    internal static readonly (int Dimension, int Subspace, double Printed, double Precise)[] WendelDecimal =
    [
        (100, 40, 0.0219376, 0.0219376467935076031),
        (100, 60, 0.978062, 0.978062353206492397),
    ];

    // a_η = √(8 ln(4/η)): (η, printed, mpmath).
    internal static readonly (double Eta, double Printed, double Precise)[] TransitionConstants =
    [
        (0.5, 4.07867, 4.07866796067523587),
        (0.1, 5.43241, 5.43240606296247799),
        (0.05, 5.92083, 5.92082874920319351),
        (0.01, 6.92327, 6.92327353040914135),
    ];

    internal const double HalfWidth10000Eta001 = 692.327;

    // Gaussian widths.
    internal const double UnitBall10 = 3.08433, UnitBall10Precise = 3.08432775979986389945689869029;
    internal const double Circular10PiOver6 = 1.45899, Circular10PiOver6Precise = 1.45899129055415798829;
    internal const double Circular100PiOver4 = 7.01788, Circular100PiOver4Precise = 7.01787962856214818537;

    /// <summary>Relative tolerance for a value printed in ORACLES.md with 5–6 significant digits.</summary>
    internal const double Printed = 1e-5;

    /// <summary>Relative tolerance against the 18-digit mpmath constants (the acceptance bar is 1e-8).</summary>
    internal const double Exact = 1e-10;
}
