using SparsityBounds.Spectral;
using SparsityBounds.Benchmarks.Peers;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks;

/// <summary>
/// Exploratory quick timings, medians of interleaved samples (not BenchmarkDotNet): <c>--explore [D …]</c> dense apply
/// against OpenBLAS and the stream read; <c>hvp threads</c> gradient, HVP and ApplyMany(8) with the FMA peak;
/// <c>gemm</c> GEMM shapes against the FMA loops; <c>stream</c> read bandwidth on 1 and 2 threads; <c>tail</c> an output
/// layer of 10 against 16 classes; <c>hvploop seconds</c> HVPs in a loop (for a profiler); <c>hvp32 threads</c> double against
/// single-precision products (<see cref="SparsityBounds.Models.ProductPrecision"/>), one direction and eight.
/// </summary>
internal static class Explore
{
    internal static void Tail()
    {
        var data = SparsityBounds.Models.SampleData.Digits();
        var ops = new List<SparsityBounds.Operators.ISymmetricOperator>();
        var vs = new List<double[]>();
        foreach (int outputs in new[] { 10, 16 })
        {
            var model = new SparsityBounds.Models.Mlp([64, 256, 256, outputs], SparsityBounds.Models.Activation.Relu);
            var objective = new SparsityBounds.Models.MlpObjective(model, data, SparsityBounds.Models.Loss.SoftmaxCrossEntropy) { MaxDegreeOfParallelism = 1 };
            ops.Add(objective.Hessian(model.InitializeParameters(1)));
            vs.Add(model.InitializeParameters(2));
        }
        double[] y0 = new double[ops[0].Dimension], y1 = new double[ops[1].Dimension];
        double[] t = Timing.Interleaved([() => ops[0].Apply(vs[0], y0), () => ops[1].Apply(vs[1], y1)], 7, 0.2);
        Console.WriteLine($"HVP [64,256,256,10] {t[0] * 1e3:F2} ms, [64,256,256,16] {t[1] * 1e3:F2} ms");
    }

    internal static void HvpLoop(int seconds)
    {
        var data = SparsityBounds.Models.SampleData.Digits();
        var model = new SparsityBounds.Models.Mlp([64, 256, 256, 10], SparsityBounds.Models.Activation.Relu);
        var objective = new SparsityBounds.Models.MlpObjective(model, data, SparsityBounds.Models.Loss.SoftmaxCrossEntropy) { MaxDegreeOfParallelism = 1 };
        var h = objective.Hessian(model.InitializeParameters(1));
        double[] v = model.InitializeParameters(2), y = new double[model.ParameterCount];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int count = 0;
        while (watch.Elapsed.TotalSeconds < seconds) { h.Apply(v, y); count++; }
        Console.WriteLine($"{count} HVPs, {watch.Elapsed.TotalMilliseconds / count:F2} ms each");
    }

    internal static void Stream()
    {
        var data = new double[1 << 24]; // 128 MB
        data.AsSpan().Fill(1.0);
        double[] t = Timing.Interleaved([() => Bandwidth.ParallelSum(data, 1), () => Bandwidth.ParallelSum(data, 2)], 9, 0.2);
        Console.WriteLine($"stream read 128 MB: 1 thread {data.Length * 8 / t[0] / 1e9:F1} GB/s, 2 threads {data.Length * 8 / t[1] / 1e9:F1} GB/s");
    }

    internal static void Gemm()
    {
        const int m = 64, n = 256, k = 256;
        double[] a = BenchData.Vector(512 * 256, 1), b = BenchData.Vector(256 * 512, 2), c = new double[512 * 256];
        Action[] actions =
        [
            () => FmaPeak.Loop(200_000),
            () => FmaPeak.Loop512(200_000),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAddTransposedB(m, n, k, a, k, b, k, c, n),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAddTransposedB(8 * m, n, k, a, k, b, k, c, n),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAddTransposedA(n, k, m, a, n, b, k, c, k),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAdd(m, k, n, a, n, b, k, c, k, accumulate: false),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAdd(8 * m, k, n, a, n, b, k, c, k, accumulate: false),
        ];
        double[] t = Timing.Interleaved(actions, 9, 0.05);
        double peak = 96.0 * 200_000 / t[0];
        string[] names = ["FMA loop", "FMA loop Vector512", "forward Z += A W^T (64x256x256)", "forward, 512 rows", "weight gradient G += D^T A (256x256, depth 64)", "back-prop D W (64x256x256)", "back-prop, 512 rows"];
        double[] flops = [96.0 * 200_000, 192.0 * 200_000, 2.0 * m * n * k, 16.0 * m * n * k, 2.0 * m * n * k, 2.0 * m * n * k, 16.0 * m * n * k];
        for (int i = 0; i < actions.Length; i++)
            Console.WriteLine($"{names[i]}: {t[i] * 1e6:F1} us, {flops[i] / t[i] / 1e9:F1} GFLOP/s = {flops[i] / t[i] / peak:P0} of the FMA loop");
    }

    internal static void Hvp(int[] sizes, int threads)
    {
        Console.WriteLine($"FMA peak: 1 thread {FmaPeak.FlopsPerSecond(1) / 1e9:F1} GFLOP/s, 2 threads {FmaPeak.FlopsPerSecond(2) / 1e9:F1} GFLOP/s");
        var model = new SparsityBounds.Models.Mlp(sizes, SparsityBounds.Models.Activation.Relu);
        var objective = new SparsityBounds.Models.MlpObjective(model, SparsityBounds.Models.SampleData.Digits(), SparsityBounds.Models.Loss.SoftmaxCrossEntropy) { MaxDegreeOfParallelism = threads };
        double[] theta = model.InitializeParameters(1), v = model.InitializeParameters(2), g = new double[model.ParameterCount], hv = new double[model.ParameterCount];
        var h = objective.Hessian(theta);
        var block = (SparsityBounds.Operators.IBlockSymmetricOperator)h;
        int dim = model.ParameterCount;
        double[] vs = new double[8 * dim], hvs = new double[8 * dim];
        for (int j = 0; j < 8; j++) v.CopyTo(vs, j * dim);
        double[] t = Timing.Interleaved([() => objective.Gradient(theta, g), () => h.Apply(v, hv), () => block.ApplyMany(vs, hvs, 8)], 5, 0.2);
        Console.WriteLine($"ApplyMany(8) {t[2] * 1e3:F2} ms = {t[2] / t[1]:F2} x one HVP");
        long n = objective.Data.Count;
        double flops = 0;
        for (int l = 1; l < sizes.Length; l++) flops += (l == 1 ? 2.0 : 6.0) * sizes[l] * sizes[l - 1];  // FMAs per sample: R-forward, weight products, back-propagation
        flops *= 2 * n;
        Console.WriteLine($"{string.Join('x', sizes)} threads {threads}: gradient {t[0] * 1e3:F2} ms, HVP {t[1] * 1e3:F2} ms ({t[1] / t[0]:F2} x gradient), HVP {flops / t[1] / 1e9:F1} GFLOP/s");
    }

    internal static void Dense(int[] sizes)
    {
        Console.WriteLine(OpenBlas.Description);
        foreach (int d in sizes)
        {
            var m = BenchData.Symmetric(d);
            var flat = new double[d * d];
            Buffer.BlockCopy(m, 0, flat, 0, flat.Length * 8);
            var x = BenchData.Vector(d, 1);
            var y = new double[d];
            foreach (int threads in new[] { 1, 2 })
            {
                var op = new DenseSymmetricOperator(m, threads);
                var opf = DenseSymmetricOperator.Create(m, DenseStorage.Single, threads);
                var stream = new double[op.StoredBytes / 8]; stream.AsSpan().Fill(1.0);
                OpenBlas.SetThreads(threads);
                double[] xs = new double[2 * d], ys = new double[2 * d];
                x.CopyTo(xs, 0);
                x.CopyTo(xs, d);
                double[] t = Timing.Interleaved([() => op.Apply(x, y), () => opf.Apply(x, y), () => OpenBlas.Dsymv(d, flat, x, y),
                    () => OpenBlas.Dgemv(d, flat, x, y), () => Bandwidth.ParallelSum(stream, threads), () => op.ApplyMany(xs, ys, 2)]);
                (double tApply, double tF, double tSymv, double tGemv, double tStream) = (t[0], t[1], t[2], t[3], t[4]);
                Console.WriteLine($"D={d} t={threads}: ApplyMany(2) {t[5] * 1e6:F0} us = {t[5] / tApply:F2} x one Apply");
                double gb = op.StoredBytes / 1e9;
                Console.WriteLine($"D={d} t={threads}: apply {tApply * 1e6:F0} us ({gb / tApply:F1} GB/s), f32 {tF * 1e6:F0} us, dsymv {tSymv * 1e6:F0} us, dgemv {tGemv * 1e6:F0} us, stream {tStream * 1e6:F0} us ({gb / tStream:F1} GB/s); apply/dsymv {tApply / tSymv:F2}, stream/apply {tStream / tApply:F2}");
            }
        }
    }

    internal static void Hvp32(int threads, int[] perPass)
    {
        var model = new SparsityBounds.Models.Mlp([64, 256, 256, 10], SparsityBounds.Models.Activation.Relu);
        var data = SparsityBounds.Models.SampleData.Digits();
        var loss = SparsityBounds.Models.Loss.SoftmaxCrossEntropy;
        var o64 = new SparsityBounds.Models.MlpObjective(model, data, loss) { MaxDegreeOfParallelism = threads };
        var o32 = new SparsityBounds.Models.MlpObjective(model, data, loss) { MaxDegreeOfParallelism = threads, ProductPrecision = SparsityBounds.Models.ProductPrecision.Single };
        double[] theta = model.InitializeParameters(1), v = model.InitializeParameters(2), hv = new double[model.ParameterCount];
        int dim = model.ParameterCount;
        double[] vs = new double[8 * dim], hvs = new double[8 * dim];
        for (int j = 0; j < 8; j++) model.InitializeParameters(10 + j).CopyTo(vs, j * dim);
        var h64 = (IBlockSymmetricOperator)o64.Hessian(theta);
        var h32s = perPass.Select(k => (SparsityBounds.Models.MlpSingleCurvatureOperator)o32.Hessian(theta)).ToArray();
        for (int i = 0; i < perPass.Length; i++) h32s[i].DirectionsPerPass = perPass[i];
        var actions = new List<Action>
        {
            () => { if (threads == 1) FmaPeak.Loop512(200_000); else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => FmaPeak.Loop512(200_000)); },
            () => h64.Apply(v, hv), () => h32s[0].Apply(v, hv), () => h64.ApplyMany(vs, hvs, 8),
        };
        foreach (var h in h32s) actions.Add(() => h.ApplyMany(vs, hvs, 8));
        double[] t = Timing.Interleaved([.. actions], 7, 0.2);
        double peak = 192.0 * 200_000 * threads / t[0];
        double flops = 2.0 * data.Count * (2.0 * 256 * 64 + 6.0 * 256 * 256 + 6.0 * 10 * 256);
        Console.WriteLine($"[64,256,256,10] ReLU digits, {threads} thread(s); Vector512 FMA loop {peak / 1e9:F1} GFLOP/s double ({2 * peak / 1e9:F1} float)");
        Console.WriteLine($"HVP double {t[1] * 1e3:F2} ms ({flops / t[1] / 1e9:F1} GFLOP/s = {flops / t[1] / peak:P0} of double peak)");
        Console.WriteLine($"HVP single {t[2] * 1e3:F2} ms ({flops / t[2] / 1e9:F1} GFLOP/s = {flops / t[2] / (2 * peak):P0} of float peak); single/double {t[2] / t[1]:F2}");
        Console.WriteLine($"ApplyMany(8) double {t[3] * 1e3:F2} ms = {t[3] / t[1]:F2} x one double HVP");
        for (int i = 0; i < perPass.Length; i++)
            Console.WriteLine($"ApplyMany(8) single, {perPass[i]} per pass: {t[4 + i] * 1e3:F2} ms = {t[4 + i] / t[1]:F2} x one double HVP, {t[4 + i] / t[2]:F2} x one single HVP");
        double[] y64 = new double[dim], y32 = new double[dim];
        h64.Apply(v, y64);
        h32s[0].Apply(v, y32);
        double error = 0, norm = 0;
        for (int i = 0; i < dim; i++) { error += (y32[i] - y64[i]) * (y32[i] - y64[i]); norm += y64[i] * y64[i]; }
        Console.WriteLine($"relative error |Hv32 - Hv64| / |Hv64| = {Math.Sqrt(error / norm):E2}");
        double[] build = Timing.Interleaved([() => o64.Hessian(theta), () => o32.Hessian(theta)], 5, 0.2);
        Console.WriteLine($"construction (primal pass + cache): double {build[0] * 1e3:F2} ms, single {build[1] * 1e3:F2} ms");
    }

    internal static void Gemm32()
    {
        const int m = 64, n = 256, k = 256;
        float[] a = new float[512 * 256], b = new float[256 * 512], c = new float[512 * 256];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)Math.Sin(i); b[i] = (float)Math.Cos(i); }
        double[] cd = new double[256 * 256], ad = BenchData.Vector(512 * 256, 1), bd = BenchData.Vector(256 * 512, 2), cdd = new double[512 * 256];
        Action[] actions =
        [
            () => FmaPeak.Loop512(200_000),
            () => SparsityBounds.Numerics.Kernels.SingleMatrixKernels.MultiplyAdd(m, n, k, a, k, b, n, c, n),
            () => SparsityBounds.Numerics.Kernels.SingleMatrixKernels.MultiplyAdd(4 * m, n, k, a, k, b, n, c, n),
            () => SparsityBounds.Numerics.Kernels.SingleMatrixKernels.MultiplyAddTransposedA(n, k, m, a, n, b, k, c, k, accumulate: false),
            () => SparsityBounds.Numerics.Kernels.SingleMatrixKernels.AddWidened(c.AsSpan(0, n * k), cd),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAdd(m, n, k, ad, k, bd, n, cdd, n),
            () => SparsityBounds.Numerics.Kernels.MatrixKernels.MultiplyAddTransposedA(n, k, m, ad, n, bd, k, cdd, k),
        ];
        double[] t = Timing.Interleaved(actions, 9, 0.05);
        double peak = 2 * 192.0 * 200_000 / t[0];
        string[] names = ["FMA loop Vector512 (float)", "f32 forward 64x256x256", "f32 forward 256 rows", "f32 weight gradient 256x256 depth 64", "AddWidened 65536", "f64 forward 64x256x256", "f64 weight gradient 256x256 depth 64 (accumulate)"];
        double[] flops = [2 * 192.0 * 200_000, 2.0 * m * n * k, 8.0 * m * n * k, 2.0 * m * n * k, n * k, 2.0 * m * n * k, 2.0 * m * n * k];
        for (int i = 0; i < actions.Length; i++)
            Console.WriteLine($"{names[i]}: {t[i] * 1e6:F1} us, {flops[i] / t[i] / 1e9:F1} GFLOP/s = {flops[i] / t[i] / peak:P0} of the float FMA loop");
    }
}

/// <summary><c>--explore null</c>: coordinates where the end-to-end Hessian has an exactly zero row (dead units, constant
/// input pixels), found as exact zeros of H z for three Rademacher z: the share of a Lanczos basis that a compressed
/// storage could skip (docs/benchmarks.md, end to end).</summary>
internal static class NullCoordinatesExperiment
{
    internal static void Run()
    {
        var (model, objective, w, _) = EndToEnd.Setup(-1);
        var h = objective.Hessian(w);
        int d = model.ParameterCount;
        var x = new double[d]; var y = new double[d];
        int[] zeros = new int[d];
        for (int s = 0; s < 3; s++)
        {
            SparsityBounds.Numerics.CounterRandom.FillRademacher(7, s, x);
            h.Apply(x, y);
            for (int i = 0; i < d; i++) if (y[i] == 0) zeros[i]++;
        }
        // ReLU activity per sample and hidden layer (share of units with z > 0): what a product restricted to the active
        // units, whose pattern all directions share, could skip.
        var data = SparsityBounds.Models.SampleData.Digits();
        var active = new double[model.LayerCount];
        for (int n = 0; n < data.Count; n++)
        {
            double[] input = data.GetFeatures(n).ToArray();
            foreach (var layer in model.Layers.Take(model.LayerCount - 1))
            {
                var z = new double[layer.OutputSize];
                for (int i = 0; i < layer.OutputSize; i++)
                {
                    double sum = w[layer.BiasOffset + i];
                    for (int j = 0; j < layer.InputSize; j++) sum += w[layer.WeightOffset + i * layer.InputSize + j] * input[j];
                    z[i] = Math.Max(0, sum);
                    if (sum > 0) active[layer.Index] += 1.0 / (data.Count * layer.OutputSize);
                }
                input = z;
            }
        }
        Console.WriteLine($"ReLU activity (share of units active per sample): layer 1 {active[1]:P1}, layer 2 {active[2]:P1}");
        Console.WriteLine($"D {d}: coordinates with (Hz)_i == 0 for all 3 probes: {zeros.Count(z => z == 3)}; for some: {zeros.Count(z => z > 0)}; weights exactly 0: {w.Count(v => v == 0)}");
    }
}
