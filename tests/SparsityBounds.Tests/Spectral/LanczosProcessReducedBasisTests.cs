using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

// A reduced reorthogonalisation basis (float32; 16-bit integers with slice scales): the Lanczos vectors themselves
// (recorded as the operator sees them) stay semi-orthogonal, and T_m, Ritz values and quadratures match a double basis
// to Simon's O(ω²‖A‖) at the storage's trigger level ω.
[TestFixture(BasisPrecision.Single)]
[TestFixture(BasisPrecision.Scaled16)]
public sealed class LanczosProcessReducedBasisTests(BasisPrecision storage)
{
    private const int N = 400, M = 150;

    /// <summary>The storage's relative rounding u (LanczosProcess's reset level is 3u/√D, its trigger 1000 times that).</summary>
    private double Rounding => storage == BasisPrecision.Single ? Math.Pow(2, -24) : Math.Pow(2, -15);

    private double Trigger(int n) => 3000 * Rounding / Math.Sqrt(n);

    /// <summary>Agreement with a double basis relative to ‖A‖: O(ω²) at the trigger level, never below 1e-9.</summary>
    private double Agreement(int n) => Math.Max(1e-9, Trigger(n) * Trigger(n));

    /// <summary>Records every vector the Lanczos process applies the operator to: v₀, v₁, …</summary>
    private sealed class RecordingOperator(ISymmetricOperator inner) : ISymmetricOperator
    {
        public List<double[]> Inputs { get; } = [];
        public int Dimension => inner.Dimension;
        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Inputs.Add(x.ToArray());
            inner.Apply(x, y);
        }
    }

    private static double[] Rademacher(int n, int seed)
    {
        var z = new double[n];
        CounterRandom.FillRademacher(seed, 0, z);
        return z;
    }

    private (LanczosProcess Lanczos, List<double[]> Vectors) Run(Reorthogonalization mode, bool reduced, int seed = 3, int threads = 0)
    {
        var op = new RecordingOperator(TestSpectra.Dense(TestSpectra.HessianLike(N, 1), seed: 2));
        var lanczos = new LanczosProcess(op, Rademacher(N, seed),
            new LanczosOptions { Steps = M, Reorthogonalization = mode, BasisPrecision = reduced ? storage : BasisPrecision.Double, MaxDegreeOfParallelism = threads });
        lanczos.Run();
        return (lanczos, op.Inputs);
    }

    private static double MaxOffDiagonalInnerProduct(List<double[]> vectors)
    {
        var v = Matrix<double>.Build.Dense(N, vectors.Count, (i, j) => vectors[j][i]);
        Matrix<double> gram = v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(vectors.Count);
        return gram.Enumerate().Max(Math.Abs);
    }

    [Test]
    public void KeepsTheLanczosVectorsSemiOrthogonal()
    {
        var (_, plain) = Run(Reorthogonalization.None, reduced: false);
        var (full, fullVectors) = Run(Reorthogonalization.Full, reduced: true);
        var (partial, partialVectors) = Run(Reorthogonalization.Partial, reduced: true);
        Assert.That(MaxOffDiagonalInnerProduct(plain), Is.GreaterThan(1e-2), "the test problem must defeat the plain recurrence");
        // Full: every step leaves the rounding of the stored copies, ≈ u/√N per pair (float32: 3e-9; 16-bit: 1.5e-6).
        Assert.That(MaxOffDiagonalInnerProduct(fullVectors), Is.LessThan(33 * Rounding / Math.Sqrt(N)));
        // Partial: held below the trigger level 3000u/√N (float32: 8.9e-6; 16-bit: 4.6e-3); Simon's estimate is an upper bound.
        Assert.That(MaxOffDiagonalInnerProduct(partialVectors), Is.LessThan(Trigger(N)));
        Assert.That(full.HasBasis, Is.False, "no double basis is kept");
        Assert.That(partial.Reorthogonalizations, Is.GreaterThan(0).And.LessThan(M));
    }

    [Test]
    public void RitzValuesAndQuadrature_MatchADoubleBasis()
    {
        foreach (Reorthogonalization mode in new[] { Reorthogonalization.Full, Reorthogonalization.Partial })
        {
            var (reference, _) = Run(Reorthogonalization.Full, reduced: false);
            var (single, _) = Run(mode, reduced: true);
            double[] rf = new double[M], rs = new double[M];
            reference.RitzValues(rf);
            single.RitzValues(rs);
            // Converged extreme Ritz values agree to O(ω²‖A‖), ‖A‖ = 40 (semi-orthogonality: T_m is the projection of A).
            for (int i = 0; i < 4; i++)
            {
                Assert.That(rs[^(i + 1)], Is.EqualTo(rf[^(i + 1)]).Within(Agreement(N) * 40), $"{mode}: largest {i}");
                Assert.That(rs[i], Is.EqualTo(rf[i]).Within(Agreement(N) * 40), $"{mode}: smallest {i}");
            }
            double[] nodesF = new double[M], weightsF = new double[M], nodesS = new double[M], weightsS = new double[M];
            reference.GaussQuadrature(nodesF, weightsF);
            single.GaussQuadrature(nodesS, weightsS);
            foreach (Func<double, double> f in new Func<double, double>[] { x => x * x, x => Math.Exp(-x), x => 0.02 / (0.02 + Math.Abs(x)) })
            {
                double sf = 0, ss = 0;
                for (int j = 0; j < M; j++) { sf += weightsF[j] * f(nodesF[j]); ss += weightsS[j] * f(nodesS[j]); }
                Assert.That(ss, Is.EqualTo(sf).Within(10 * Agreement(N) * Math.Max(1, Math.Abs(sf))), $"{mode}");
            }
        }
    }

    [Test]
    public void LargeOperator_SeveralParts_BitwiseIdenticalForAnyThreadCount()
    {
        // D above BasisOrthogonalizer.MinimumPartLength × 2, so the passes over the basis really are split.
        const int d = 3 * BasisOrthogonalizer.MinimumPartLength + 11;
        var diagonal = Enumerable.Range(0, d).Select(i => i < 5 ? 50.0 - 7 * i : Math.Sin(i) * 0.5).ToArray();
        var op = new DiagonalOperator(diagonal);
        double[]? alpha = null, beta = null;
        foreach (int threads in new[] { 1, 2, -1 })
        {
            var lanczos = new LanczosProcess(op, Rademacher(d, 4),
                new LanczosOptions { Steps = 60, Reorthogonalization = Reorthogonalization.Partial, BasisPrecision = storage, MaxDegreeOfParallelism = threads });
            lanczos.Run();
            if (alpha is null) { alpha = lanczos.Alpha.ToArray(); beta = lanczos.Beta.ToArray(); continue; }
            Assert.That(lanczos.Alpha.ToArray(), Is.EqualTo(alpha), $"threads {threads}");
            Assert.That(lanczos.Beta.ToArray(), Is.EqualTo(beta), $"threads {threads}");
        }
        // The top outliers are found once each (no ghost copies), to O(ω²) relative.
        var ritz = new double[alpha!.Length];
        SymmetricTridiagonalEigen.Eigenvalues(alpha, beta!, ritz);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(ritz[^(i + 1)], Is.EqualTo(50.0 - 7 * i).Within(Agreement(d) * 50), $"outlier {i}");
            Assert.That(ritz.Count(r => Math.Abs(r - (50.0 - 7 * i)) < 0.1), Is.EqualTo(1), $"copies of outlier {i}");
        }
    }

    [Test]
    public void Restart_ReproducesAFreshProcessBitwise()
    {
        var op = TestSpectra.Dense(TestSpectra.HessianLike(N, 1), seed: 2);
        var options = new LanczosOptions { Steps = M, Reorthogonalization = Reorthogonalization.Partial, BasisPrecision = storage };
        var reused = new LanczosProcess(op, Rademacher(N, 9), options);
        reused.Run();
        reused.Restart(Rademacher(N, 3));
        reused.Run();
        var fresh = new LanczosProcess(op, Rademacher(N, 3), options);
        fresh.Run();
        Assert.That(reused.Alpha.ToArray(), Is.EqualTo(fresh.Alpha.ToArray()));
        Assert.That(reused.Beta.ToArray(), Is.EqualTo(fresh.Beta.ToArray()));
    }

    [Test]
    public void AfterTheFirstRun_ReorthogonalizedStepsAllocateNothing([Values(false, true)] bool reduced)
    {
        // Two parts of the partition, so the passes go through the worker threads; the basis vectors are allocated on the
        // first run and reused after Restart.
        const int d = 2 * BasisOrthogonalizer.MinimumPartLength + 100;
        var op = new DiagonalOperator(Enumerable.Range(0, d).Select(i => i < 3 ? 30.0 - i : 1.0 + i % 97).ToArray());
        var lanczos = new LanczosProcess(op, Rademacher(d, 1), new LanczosOptions { Steps = 40, Reorthogonalization = Reorthogonalization.Full, BasisPrecision = reduced ? storage : BasisPrecision.Double });
        double[] start = Rademacher(d, 2);
        Assert.That(AllocationAssert.SteadyStateBytes(() => { lanczos.Restart(start); lanczos.Run(); }, callsPerRound: 2, warmUp: 1), Is.Zero);
    }

    [Test]
    public void KeepBasisWithAReducedBasis_IsRejected_AsIsAnUndefinedStorage()
    {
        var op = new DiagonalOperator([1.0, 2.0, 3.0]);
        Assert.That(() => new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { KeepBasis = true, BasisPrecision = storage }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("BasisPrecision").And.Message.Contains(storage.ToString()));
        Assert.That(() => new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { BasisPrecision = (BasisPrecision)7 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options").And.Message.Contains("7"));
        var plain = new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { Reorthogonalization = Reorthogonalization.Full, BasisPrecision = storage });
        plain.Run();
        Assert.That(() => plain.BasisVector(0), Throws.InvalidOperationException.With.Message.Contains("BasisPrecision"));
    }
}
