using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks;

/// <summary>
/// <c>--explore ritz</c>: how many Ritz values of a 250-step Lanczos run on the end-to-end Hessian are converged in Parlett
/// and Scott's sense (β_m|s_mi| ≤ √ε‖T‖), step by step: the vectors selective orthogonalisation would have to keep.
/// </summary>
internal static class RitzExperiment
{
    internal static void Run()
    {
        var (model, objective, w, eps) = EndToEnd.Setup(-1);
        var h = objective.Hessian(w);
        int d = h.Dimension;
        var start = new double[d];
        SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, start);
        var lp = new LanczosProcess(h, start, new LanczosOptions { Steps = 250, Reorthogonalization = Reorthogonalization.Full });
        lp.Run();
        var a = lp.Alpha.ToArray(); var b = lp.Beta.ToArray();
        double sq = Math.Sqrt(Math.Pow(2, -52));
        for (int j = 10; j <= a.Length; j += 10)
        {
            var t = Matrix<double>.Build.Dense(j, j);
            for (int i = 0; i < j; i++) { t[i, i] = a[i]; if (i + 1 < j) { t[i, i + 1] = b[i]; t[i + 1, i] = b[i]; } }
            var evd = t.Evd(Symmetricity.Symmetric);
            double norm = evd.EigenValues.Select(z => Math.Abs(z.Real)).Max();
            var good = new List<double>();
            int loose = 0;
            for (int i = 0; i < j; i++)
            {
                double bound = b[j - 1] * Math.Abs(evd.EigenVectors[j - 1, i]);
                if (bound <= sq * norm) good.Add(evd.EigenValues[i].Real);
                if (bound <= 1e-4 * norm) loose++;
            }
            Console.WriteLine($"j {j}: |T| {norm:G4}, good {good.Count} (1e-4: {loose}); good values {string.Join(", ", good.Take(12).Select(z => z.ToString("G3")))}");
        }
    }
}

/// <summary><c>--explore ortho D count</c>: one orthogonalisation against <c>count</c> stored vectors (double and float32,
/// 1 and all threads) against the time to stream the same bytes.</summary>
internal static class OrthoExperiment
{
    internal static void Run(int d, int count)
    {
        var rng = new Random(1);
        var basis = new double[count][];
        for (int k = 0; k < count; k++)
        {
            basis[k] = new double[d];
            for (int i = 0; i < d; i++) basis[k][i] = rng.NextDouble() - 0.5;
            double n = Math.Sqrt(basis[k].Sum(x => x * x));
            for (int i = 0; i < d; i++) basis[k][i] /= n;
        }
        float[]?[] single = basis.Select(v => v.Select(x => (float)x).ToArray()).ToArray();
        var w0 = new double[d];
        for (int i = 0; i < d; i++) w0[i] = rng.NextDouble() - 0.5;
        var w = new double[d];
        var c = new double[count];
        var idx = Enumerable.Range(0, count).ToArray();
        var o1 = new SparsityBounds.Numerics.BasisOrthogonalizer(d, 1);
        var o2 = new SparsityBounds.Numerics.BasisOrthogonalizer(d, -1);
        double[]?[] nb = basis;
        double sink = 0;
        double[] t = Timing.Interleaved([
            () => { w0.CopyTo(w, 0); o1.OrthogonalizeTwice(nb, idx, w, c); },
            () => { w0.CopyTo(w, 0); o2.OrthogonalizeTwice(nb, idx, w, c); },
            () => { w0.CopyTo(w, 0); o1.OrthogonalizeTwice(single, idx, w, c); },
            () => { w0.CopyTo(w, 0); o2.OrthogonalizeTwice(single, idx, w, c); },
            () => { foreach (var b in basis) sink += System.Numerics.Tensors.TensorPrimitives.Sum<double>(b); },
            () => { foreach (var b in single) sink += System.Numerics.Tensors.TensorPrimitives.Sum<float>(b!); },
            () => Parallel.For(0, 2, h => { double s = 0; foreach (var b in single) s += System.Numerics.Tensors.TensorPrimitives.Sum<float>(b.AsSpan(h * (d / 2), h == 0 ? d / 2 : d - d / 2)); sink += s; }),
        ], 9, 0.3);
        double gb = (double)count * d * 8 / 1e9;
        Console.WriteLine($"D {d}, {count} vectors ({gb * 1e3:F0} MB double): double basis 1 thread {t[0] * 1e3:F2} ms, 2 threads {t[1] * 1e3:F2} ms; float basis 1 thread {t[2] * 1e3:F2} ms, 2 threads {t[3] * 1e3:F2} ms; stream read double {t[4] * 1e3:F2} ms ({gb / t[4]:F1} GB/s), float {t[5] * 1e3:F2} ms, float on 2 threads {t[6] * 1e3:F2} ms ({gb / 2 / t[6]:F1} GB/s) {sink:E1}");
    }
}

/// <summary><c>--explore eig n…</c>: dense symmetric eigendecomposition with vectors (values and vectors) against MathNet's
/// managed EVD, and the matrix function |A| = V|Λ|Vᵀ, single timed runs after a warm-up on a small matrix.</summary>
internal static class EigenExplore
{
    internal static void Run(int[] sizes)
    {
        Warm(64);
        foreach (int n in sizes)
        {
            double[,] a = BenchData.Symmetric(n);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var ours = SparsityBounds.Spectral.SymmetricEigendecomposition.Compute(a);
            double tOurs = watch.Elapsed.TotalSeconds;
            watch.Restart();
            SparsityBounds.Spectral.SymmetricEigendecomposition.Compute(a, computeVectors: false);
            double tValues = watch.Elapsed.TotalSeconds;
            watch.Restart();
            ours.Function(Math.Abs);
            double tFunction = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var evd = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            double tMathNet = watch.Elapsed.TotalSeconds;
            double maxDiff = 0;
            for (int i = 0; i < n; i++) maxDiff = Math.Max(maxDiff, Math.Abs(evd.EigenValues[i].Real - ours.Eigenvalues[i]));
            Console.WriteLine($"n = {n}: values + vectors {tOurs:F2} s, values only {tValues:F2} s, |A| from the decomposition {tFunction:F2} s; MathNet managed EVD {tMathNet:F2} s ({tMathNet / tOurs:F1}x ours); max |Δλ| {maxDiff:E1}");
        }
    }

    private static void Warm(int n) => SparsityBounds.Spectral.SymmetricEigendecomposition.Compute(BenchData.Symmetric(n)).Function(Math.Abs);
}

/// <summary><c>--explore phases D count</c>: the two phases of one single-threaded pass over a float32 basis, timed apart
/// (dot products; subtraction), against reading the basis once.</summary>
internal static class PassPhasesExperiment
{
    internal static void Run(int d, int count)
    {
        var rng = new Random(1);
        float[][] basis = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray()).ToArray();
        var w = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var dots = new double[4];
        var c = new double[] { 1e-9, -2e-9, 3e-9, 1e-9 };
        double sink = 0;
        void Dots() { for (int k = 0; k + 4 <= count; k += 4) { SparsityBounds.Numerics.Kernels.MixedPrecisionKernels.Dot4(basis[k], basis[k + 1], basis[k + 2], basis[k + 3], w, dots); sink += dots[0]; } }
        void Subtract() { for (int k = 0; k + 4 <= count; k += 4) SparsityBounds.Numerics.Kernels.MixedPrecisionKernels.SubtractCombination4(basis[k], basis[k + 1], basis[k + 2], basis[k + 3], c, w); }
        void Grouped() { for (int k = 0; k + 4 <= count; k += 4) { SparsityBounds.Numerics.Kernels.MixedPrecisionKernels.Dot4(basis[k], basis[k + 1], basis[k + 2], basis[k + 3], w, dots); SparsityBounds.Numerics.Kernels.MixedPrecisionKernels.SubtractCombination4(basis[k], basis[k + 1], basis[k + 2], basis[k + 3], c, w); } }
        void Read() { foreach (var b in basis) sink += System.Numerics.Tensors.TensorPrimitives.Sum<float>(b); }
        double[] t = Timing.Interleaved([Dots, Subtract, Grouped, Read], 9, 0.3);
        Console.WriteLine($"D {d}, {count} float vectors, 1 thread: dots {t[0] * 1e3:F2} ms, subtract {t[1] * 1e3:F2} ms, grouped (dots then subtract per group of 4) {t[2] * 1e3:F2} ms, read once {t[3] * 1e3:F2} ms {sink:E1}");
    }
}

/// <summary><c>--explore basis</c>: the pruning limit with a double, float32 and 16-bit reorthogonalisation basis on
/// networks other than the end-to-end one (activations, depths, widths), 4 × 250, two seeds each.</summary>
internal static class BasisPrecisionExperiment
{
    internal static void Run()
    {
        var data = SparsityBounds.Models.SampleData.Digits();
        (int[] Sizes, SparsityBounds.Models.Activation Activation)[] nets =
        [
            ([64, 256, 256, 10], SparsityBounds.Models.Activation.Tanh),
            ([64, 512, 10], SparsityBounds.Models.Activation.Relu),
            ([64, 128, 128, 128, 10], SparsityBounds.Models.Activation.Sigmoid),
        ];
        foreach (var (sizes, activation) in nets)
        {
            var model = new SparsityBounds.Models.Mlp(sizes, activation);
            var loss = SparsityBounds.Models.Loss.SoftmaxCrossEntropy;
            double[] w = SparsityBounds.Models.MlpTrainer.Train(model, data, loss, new SparsityBounds.Models.MlpTrainingOptions { Epochs = 30, L1Penalty = 1e-4, Seed = 1 }).Parameters;
            var objective = new SparsityBounds.Models.MlpObjective(model, data, loss, 1e-4);
            double epsilon = objective.MinibatchLossStandardDeviation(w);
            var hessian = objective.Hessian(w);
            var line = new System.Text.StringBuilder($"[{string.Join(", ", sizes)}] {activation}, D = {model.ParameterCount}, ε = {epsilon:G3}:");
            foreach (int seed in new[] { 100, 101 })
            {
                var rho = new Dictionary<SparsityBounds.Spectral.BasisPrecision, double>();
                foreach (var storage in Enum.GetValues<SparsityBounds.Spectral.BasisPrecision>())
                {
                    var spectrum = SparsityBounds.Spectral.StochasticLanczosQuadrature.Estimate(hessian, new SparsityBounds.Spectral.SlqOptions
                    { Probes = 4, Steps = 250, Seed = seed, Reorthogonalization = SparsityBounds.Spectral.Reorthogonalization.Partial, BasisPrecision = storage });
                    rho[storage] = SparsityBounds.Pruning.PhaseTransition.Estimate(w, spectrum, epsilon).KeptFraction;
                }
                line.Append($" seed {seed}: ρ* double {rho[SparsityBounds.Spectral.BasisPrecision.Double]:F6}, float32 {rho[SparsityBounds.Spectral.BasisPrecision.Single]:F6}, 16-bit {rho[SparsityBounds.Spectral.BasisPrecision.Scaled16]:F6};");
            }
            var start = new double[model.ParameterCount];
            SparsityBounds.Numerics.CounterRandom.FillRademacher(100, 0, start);
            foreach (var storage in Enum.GetValues<SparsityBounds.Spectral.BasisPrecision>())
            {
                var lanczos = new SparsityBounds.Spectral.LanczosProcess(hessian, start, new SparsityBounds.Spectral.LanczosOptions { Steps = 250, Reorthogonalization = SparsityBounds.Spectral.Reorthogonalization.Partial, BasisPrecision = storage });
                lanczos.Run();
                line.Append($" {storage}: {lanczos.Reorthogonalizations} steps/{lanczos.OrthogonalizedVectors} vectors;");
            }
            Console.WriteLine(line);
        }
    }
}
