using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

[TestFixture]
public sealed class LanczosProcessTests
{
    private static double[] Rademacher(int n, int seed)
    {
        var z = new double[n];
        CounterRandom.FillRademacher(seed, 0, z);
        return z;
    }

    [Test]
    public void FullReorthogonalization_SatisfiesLanczosRelationAndOrthonormality()
    {
        // KrylovKit-style invariants: VᵀV = I and A V_m = V_m T_m + β_{m−1} v_m e_mᵀ.
        int n = 200, m = 60;
        double[,] a = TestSpectra.WithSpectrum(TestSpectra.HessianLike(n, 1), seed: 2);
        var op = new DenseSymmetricOperator(a);
        var lanczos = new LanczosProcess(op, Rademacher(n, 3), new LanczosOptions { Steps = m, Reorthogonalization = Reorthogonalization.Full });
        lanczos.Run();
        Assert.That(lanczos.Steps, Is.EqualTo(m));
        Assert.That(lanczos.OperatorApplications, Is.EqualTo(m));

        var v = Matrix<double>.Build.Dense(n, m, (i, j) => lanczos.BasisVector(j)[i]);
        Assert.That((v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(m)).InfinityNorm(), Is.LessThan(1e-13 * m));

        var t = Matrix<double>.Build.Dense(m, m);
        for (int j = 0; j < m; j++)
        {
            t[j, j] = lanczos.Alpha[j];
            if (j + 1 < m) t[j, j + 1] = t[j + 1, j] = lanczos.Beta[j];
        }
        Matrix<double> residual = Matrix<double>.Build.DenseOfArray(a) * v - v * t;
        // Only the last column carries the residual β_{m−1} v_m.
        for (int j = 0; j < m - 1; j++) Assert.That(residual.Column(j).L2Norm(), Is.LessThan(1e-12 * lanczos.NormEstimate), $"column {j}");
        Assert.That(residual.Column(m - 1).L2Norm(), Is.EqualTo(lanczos.Beta[m - 1]).Within(1e-10 * lanczos.NormEstimate));
        Assert.That(lanczos.NormEstimate, Is.LessThanOrEqualTo(40.0 * (1 + 1e-12)), "a lower bound on ‖A‖ = 40");
        Assert.That(lanczos.NormEstimate, Is.GreaterThan(0.5 * 40.0));
    }

    [Test]
    public void PlainRecurrence_AgreesWithFullReorthogonalization_BeforeOrthogonalityIsLost()
    {
        int n = 300;
        var op = TestSpectra.Dense(TestSpectra.HessianLike(n, 4), seed: 5);
        double[] start = Rademacher(n, 6);
        var plain = new LanczosProcess(op, start, new LanczosOptions { Steps = 8, Reorthogonalization = Reorthogonalization.None });
        var full = new LanczosProcess(op, start, new LanczosOptions { Steps = 8, Reorthogonalization = Reorthogonalization.Full });
        plain.Run();
        full.Run();
        Assert.That(plain.HasBasis, Is.False);
        Assert.That(plain.Alpha.ToArray(), Is.EqualTo(full.Alpha.ToArray()).Within(1e-10));
        Assert.That(plain.Beta.ToArray(), Is.EqualTo(full.Beta.ToArray()).Within(1e-10));
    }

    [Test]
    public void InvariantSubspace_StopsEarly_AndQuadratureIsExact()
    {
        // diag with 6 distinct values: the Krylov space of any start vector has dimension ≤ 6.
        double[] distinct = [-2, 0, 0.5, 1, 3, 10];
        int n = 300;
        double[] diagonal = Enumerable.Range(0, n).Select(i => distinct[(i * 7) % distinct.Length]).ToArray();
        var op = new DiagonalOperator(diagonal);
        double[] start = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray();
        var lanczos = new LanczosProcess(op, start, new LanczosOptions { Steps = 50 });
        lanczos.Run();
        Assert.That(lanczos.FoundInvariantSubspace, Is.True);
        Assert.That(lanczos.Steps, Is.EqualTo(distinct.Length));
        Assert.That(lanczos.IsComplete, Is.True);
        Assert.That(lanczos.Step(), Is.False, "a complete process takes no more steps");

        var nodes = new double[lanczos.Steps];
        var weights = new double[lanczos.Steps];
        lanczos.GaussQuadrature(nodes, weights);
        double norm2 = start.Sum(x => x * x);
        for (int k = 0; k < distinct.Length; k++)
        {
            Assert.That(nodes[k], Is.EqualTo(distinct[k]).Within(1e-12 * 10));
            // The weight of node λ is the squared mass of v₀ on λ's eigenspace.
            double mass = Enumerable.Range(0, n).Where(i => diagonal[i] == distinct[k]).Sum(i => start[i] * start[i]) / norm2;
            Assert.That(weights[k], Is.EqualTo(mass).Within(1e-12));
        }
        var ritz = new double[lanczos.Steps];
        lanczos.RitzValues(ritz);
        Assert.That(ritz, Is.EqualTo(nodes).Within(1e-14));
    }

    [Test]
    public void Steps_AreCappedAtTheDimension()
    {
        var op = new DiagonalOperator([1.0, 2.0, 3.0, 4.0]);
        var lanczos = new LanczosProcess(op, [1.0, 1.0, 1.0, 1.0], new LanczosOptions { Steps = 100, Reorthogonalization = Reorthogonalization.None });
        Assert.That(lanczos.MaximumSteps, Is.EqualTo(4));
        lanczos.Run();
        Assert.That(lanczos.Steps, Is.LessThanOrEqualTo(4));
        var ritz = new double[lanczos.Steps];
        lanczos.RitzValues(ritz);
        Assert.That(ritz, Is.EqualTo(new[] { 1.0, 2.0, 3.0, 4.0 }).Within(1e-12));
    }

    [Test]
    public void Restart_ReproducesAFreshProcessBitwise([Values] Reorthogonalization reorthogonalization)
    {
        int n = 120;
        var op = TestSpectra.Dense(TestSpectra.HessianLike(n, 7), seed: 8);
        var options = new LanczosOptions { Steps = 30, Reorthogonalization = reorthogonalization };
        var reused = new LanczosProcess(op, Rademacher(n, 1), options);
        reused.Run();
        reused.Restart(Rademacher(n, 2));
        reused.Run();
        var fresh = new LanczosProcess(op, Rademacher(n, 2), options);
        fresh.Run();
        Assert.That(reused.Alpha.ToArray(), Is.EqualTo(fresh.Alpha.ToArray()));
        Assert.That(reused.Beta.ToArray(), Is.EqualTo(fresh.Beta.ToArray()));
        Assert.That(reused.OperatorApplications, Is.EqualTo(60));
    }

    [Test]
    public void Step_WithoutStoredBasis_AllocatesNothing()
    {
        int n = 10_000;
        var op = new DiagonalOperator(Enumerable.Range(0, n).Select(i => 1.0 + i % 97).ToArray());
        var lanczos = new LanczosProcess(op, Rademacher(n, 1), new LanczosOptions { Steps = 60, Reorthogonalization = Reorthogonalization.None });
        // Steady state over the 59 steps left (minimum over rounds of 10 steps, after 5 warm-up steps).
        Assert.That(AllocationAssert.SteadyStateBytes(() => lanczos.Step(), callsPerRound: 10, rounds: 5, warmUp: 5), Is.Zero);
        Assert.That(lanczos.Steps, Is.EqualTo(55));
    }

    [Test]
    public void KeepBasis_StoresVectorsWithoutReorthogonalization()
    {
        int n = 50;
        var op = TestSpectra.Dense(TestSpectra.HessianLike(n, 9), seed: 9);
        var lanczos = new LanczosProcess(op, Rademacher(n, 3), new LanczosOptions { Steps = 5, Reorthogonalization = Reorthogonalization.None, KeepBasis = true });
        lanczos.Run();
        Assert.That(lanczos.HasBasis, Is.True);
        double dot = 0;
        for (int i = 0; i < n; i++) dot += lanczos.BasisVector(0)[i] * lanczos.BasisVector(1)[i];
        Assert.That(dot, Is.EqualTo(0.0).Within(1e-12));
        Assert.That(() => lanczos.BasisVector(5), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void BadArguments_AreRejectedBeforeAnyWork()
    {
        var op = new CountingOperator(new DiagonalOperator([1.0, 2.0, 3.0]));
        Assert.That(() => new LanczosProcess(null!, new double[3]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("op"));
        Assert.That(() => new LanczosProcess(op, new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("start"));
        Assert.That(() => new LanczosProcess(op, new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("start"));
        Assert.That(() => new LanczosProcess(op, [1.0, double.NaN, 0.0]), Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { Steps = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Steps").And.Message.Contains("0"));
        Assert.That(() => new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { InvariantSubspaceTolerance = -1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
        var plain = new LanczosProcess(op, [1.0, 1.0, 1.0], new LanczosOptions { Reorthogonalization = Reorthogonalization.None });
        Assert.That(() => plain.BasisVector(0), Throws.InvalidOperationException);
        Assert.That(() => plain.GaussQuadrature(new double[0], new double[0]), Throws.InvalidOperationException);
        Assert.That(op.Applications, Is.Zero);
    }

    [Test]
    public void PreCancelledToken_Throws()
    {
        var op = new CountingOperator(new DiagonalOperator([1.0, 2.0, 3.0]));
        var lanczos = new LanczosProcess(op, [1.0, 1.0, 1.0]);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => lanczos.Run(cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(op.Applications, Is.Zero);
    }

    [Test]
    public void NonFiniteOperatorOutput_IsReported()
    {
        var op = new NaNOperator();
        var lanczos = new LanczosProcess(op, [1.0, 1.0]);
        Assert.That(() => lanczos.Step(), Throws.InvalidOperationException.With.Message.Contains("non-finite"));
    }

    private sealed class NaNOperator : ISymmetricOperator
    {
        public int Dimension => 2;
        public void Apply(ReadOnlySpan<double> x, Span<double> y) => y.Fill(double.NaN);
    }
}
