using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>A sampled estimate of the fraction of (numerically) zero Hessian rows, with a confidence interval.</summary>
/// <param name="Fraction">Zero rows found / rows sampled (exact when every row was inspected).</param>
/// <param name="Lower">Lower end of the 95% Wilson score interval (equal to Fraction when exact).</param>
/// <param name="Upper">Upper end of the 95% Wilson score interval.</param>
/// <param name="RowsInspected">Rows inspected (one Hessian application each).</param>
/// <param name="ZeroRows">Rows whose L1 norm was below the threshold.</param>
/// <param name="IsExact">Every row was inspected.</param>
public readonly record struct ZeroRowEstimate(double Fraction, double Lower, double Upper, int RowsInspected, int ZeroRows, bool IsExact);

/// <summary>
/// The zero-eigenvalue mass of a Hessian (THEORY.md §3): exactly-zero rows (dead ReLU units, always-blank inputs, zero
/// weights under L1) give exactly-zero eigenvalues, each contributing exactly 1 to the width W. A few Lanczos steps do
/// not resolve a large mass at 0 sharply, so it can be measured separately and built into the spectrum.
/// </summary>
/// <remarks>
/// Every exactly-zero row i makes e_i an eigenvector with eigenvalue 0, so the zero-row fraction is a lower bound on the
/// zero-eigenvalue fraction f₀. Typical use: find the zero rows, run SLQ on <see cref="Compress"/> (the non-zero block),
/// then <see cref="EmbedZeroMass"/> to get a spectrum of the full dimension with the zero mass exact.
/// </remarks>
public static class ZeroCurvature
{
    /// <summary>Default L1 threshold below which a Hessian row counts as zero: 1e-7, as in the paper's reference code.</summary>
    public const double DefaultThreshold = 1e-7;

    /// <summary>
    /// Estimates the fraction of Hessian rows with ‖H e_i‖₁ &lt; <paramref name="threshold"/> from
    /// <paramref name="samples"/> rows drawn uniformly without replacement (all rows when samples ≥ D). The reference
    /// code inspects 100 rows at magnitude percentiles; uniform sampling makes the estimate unbiased and gives an interval.
    /// </summary>
    /// <param name="hessian">H.</param>
    /// <param name="samples">Rows to inspect (≥ 1).</param>
    /// <param name="seed">Seed of the row sample.</param>
    /// <param name="threshold">L1 threshold (&gt; 0).</param>
    /// <param name="cancellationToken">Checked between rows.</param>
    /// <exception cref="ArgumentException">Bad samples or threshold.</exception>
    public static ZeroRowEstimate SampleZeroRows(ISymmetricOperator hessian, int samples, int seed,
        double threshold = DefaultThreshold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        Preconditions.CheckPositive(samples);
        Preconditions.CheckFinitePositive(threshold);
        int n = hessian.Dimension;
        int m = Math.Min(samples, n);
        // Partial Fisher–Yates shuffle driven by the counter generator: the first m entries are a uniform sample.
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        for (int i = 0; i < m; i++)
        {
            int j = i + (int)(CounterRandom.Uniform(seed, 0, i) * (n - i));
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
        var e = new double[n];
        var column = new double[n];
        int zeros = 0;
        for (int s = 0; s < m; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = rows[s];
            e[i] = 1.0;
            hessian.Apply(e, column);
            e[i] = 0.0;
            double l1 = 0;
            foreach (double v in column) l1 += Math.Abs(v);
            if (l1 < threshold) zeros++;
        }
        double p = (double)zeros / m;
        if (m == n) return new ZeroRowEstimate(p, p, p, m, zeros, true);
        // Wilson score interval (Wilson 1927), z = 1.96, with the finite-population correction.
        const double z = 1.959963984540054;
        double fpc = n > 1 ? (double)(n - m) / (n - 1) : 0;
        double z2 = z * z * fpc;
        double centre = (p + z2 / (2 * m)) / (1 + z2 / m);
        double half = Math.Sqrt(z2) * Math.Sqrt(p * (1 - p) / m + z2 / (4.0 * m * m)) / (1 + z2 / m);
        return new ZeroRowEstimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), m, zeros, false);
    }

    /// <summary>
    /// The principal block of <paramref name="hessian"/> on the coordinates where <paramref name="keep"/> is true, as an
    /// operator of dimension |keep| (typically: drop the zero rows before running SLQ).
    /// </summary>
    /// <exception cref="ArgumentException">Mask length differs from the dimension, or keeps nothing.</exception>
    public static ISymmetricOperator Compress(ISymmetricOperator hessian, ReadOnlySpan<bool> keep)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        Preconditions.CheckLength(keep.Length, hessian.Dimension, nameof(keep), "the operator's dimension");
        var indices = new List<int>();
        for (int i = 0; i < keep.Length; i++) if (keep[i]) indices.Add(i);
        if (indices.Count == 0) throw new ArgumentException("keep selects no coordinate.", nameof(keep));
        return new CompressedOperator(hessian, indices.ToArray());
    }

    /// <summary>
    /// A spectrum of dimension <paramref name="fullDimension"/> made of <paramref name="compressed"/> (the spectrum of the
    /// non-zero block, dimension D') plus D − D' exact zero eigenvalues: each probe gains a node at 0 with weight f₀ = (D − D')/D
    /// and its other weights are scaled by 1 − f₀, so sums become Σ f = (D − D')·f(0) + Σ_{block} f.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="fullDimension"/> is smaller than the compressed dimension.</exception>
    public static SpectralQuadrature EmbedZeroMass(SpectralQuadrature compressed, int fullDimension)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (fullDimension < compressed.Dimension)
            throw new ArgumentOutOfRangeException(nameof(fullDimension), fullDimension, $"fullDimension must be >= the compressed dimension {compressed.Dimension}.");
        if (fullDimension == compressed.Dimension) return compressed;
        double f0 = (double)(fullDimension - compressed.Dimension) / fullDimension;
        var nodes = new double[compressed.Probes][];
        var weights = new double[compressed.Probes][];
        for (int p = 0; p < compressed.Probes; p++)
        {
            var theta = compressed.Nodes(p);
            var tau = compressed.Weights(p);
            nodes[p] = new double[theta.Length + 1];
            weights[p] = new double[theta.Length + 1];
            nodes[p][0] = 0.0;
            weights[p][0] = f0;
            for (int j = 0; j < theta.Length; j++)
            {
                nodes[p][j + 1] = theta[j];
                weights[p][j + 1] = (1 - f0) * tau[j];
            }
        }
        return SpectralQuadrature.FromNodesAndWeights(fullDimension, nodes, weights);
    }

    private sealed class CompressedOperator(ISymmetricOperator inner, int[] indices) : ISymmetricOperator
    {
        private readonly double[] _x = new double[inner.Dimension];
        private readonly double[] _y = new double[inner.Dimension];

        public int Dimension => indices.Length;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Preconditions.CheckOperatorSpans(Dimension, x, y);
            for (int k = 0; k < indices.Length; k++) _x[indices[k]] = x[k];
            inner.Apply(_x, _y);
            for (int k = 0; k < indices.Length; k++) y[k] = _y[indices[k]];
        }
    }
}
