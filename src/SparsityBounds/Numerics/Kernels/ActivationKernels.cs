using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Element-wise kernels of an MLP's passes: activations with their first and second derivatives expressed
/// through the activation value (THEORY.md §5: tanh φ' = 1 − a², φ'' = −2a(1 − a²); sigmoid φ' = s(1 − s),
/// φ'' = s(1 − s)(1 − 2s); ReLU φ' = 1[z &gt; 0], φ'' = 0), and the fused products of the R-operator.
/// </summary>
/// <remarks>Each kernel has a scalar twin in <see cref="Reference"/>. tanh and the logistic function come from
/// <see cref="TensorPrimitives"/> (vectorised, within a few ulps of <see cref="Math.Tanh"/>).</remarks>
internal static class ActivationKernels
{
    /// <summary>In place z → a = max(z, 0); <paramref name="firstDerivative"/> ← 1[z &gt; 0].</summary>
    internal static void Relu(Span<double> values, Span<double> firstDerivative)
    {
        CheckLength(values.Length, firstDerivative.Length, nameof(firstDerivative));
        int n = values.Length, i = 0;
        ref double pv = ref MemoryMarshal.GetReference(values);
        ref double pd = ref MemoryMarshal.GetReference(firstDerivative);
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(1.0);
            for (; i <= n - 4; i += 4)
            {
                var z = Vector256.LoadUnsafe(ref pv, (nuint)i);
                var positive = Vector256.GreaterThan(z, Vector256<double>.Zero);
                (z & positive).StoreUnsafe(ref pv, (nuint)i);
                (one & positive).StoreUnsafe(ref pd, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double z = Unsafe.Add(ref pv, i);
            bool positive = z > 0;
            Unsafe.Add(ref pv, i) = positive ? z : 0.0;
            Unsafe.Add(ref pd, i) = positive ? 1.0 : 0.0;
        }
    }

    /// <summary>In place z → a = max(z, 0) (no derivative).</summary>
    internal static void Relu(Span<double> values)
    {
        int n = values.Length, i = 0;
        ref double pv = ref MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                var z = Vector256.LoadUnsafe(ref pv, (nuint)i);
                (z & Vector256.GreaterThan(z, Vector256<double>.Zero)).StoreUnsafe(ref pv, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double z = Unsafe.Add(ref pv, i);
            Unsafe.Add(ref pv, i) = z > 0 ? z : 0.0;
        }
    }

    /// <summary>In place z → a = tanh z; φ' = 1 − a² and, when <paramref name="secondDerivative"/> is not empty, φ'' = −2a φ'.</summary>
    internal static void Tanh(Span<double> values, Span<double> firstDerivative, Span<double> secondDerivative)
    {
        if (values.IsEmpty) return;
        TensorPrimitives.Tanh(values, values);
        if (!firstDerivative.IsEmpty) TanhDerivatives(values, firstDerivative, secondDerivative);
    }

    /// <summary>In place z → a = 1 / (1 + e^{−z}); φ' = a(1 − a) and, when requested, φ'' = φ'(1 − 2a).</summary>
    internal static void Sigmoid(Span<double> values, Span<double> firstDerivative, Span<double> secondDerivative)
    {
        if (values.IsEmpty) return;
        TensorPrimitives.Sigmoid(values, values);
        if (!firstDerivative.IsEmpty) SigmoidDerivatives(values, firstDerivative, secondDerivative);
    }

    private static void TanhDerivatives(ReadOnlySpan<double> a, Span<double> d1, Span<double> d2)
    {
        CheckLength(a.Length, d1.Length, nameof(d1));
        bool second = !d2.IsEmpty;
        if (second) CheckLength(a.Length, d2.Length, nameof(d2));
        int n = a.Length, i = 0;
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double p1 = ref MemoryMarshal.GetReference(d1);
        ref double p2 = ref MemoryMarshal.GetReference(d2);
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(1.0);
            var minusTwo = Vector256.Create(-2.0);
            for (; i <= n - 4; i += 4)
            {
                var x = Vector256.LoadUnsafe(ref pa, (nuint)i);
                var f1 = Vector256.FusedMultiplyAdd(-x, x, one);
                f1.StoreUnsafe(ref p1, (nuint)i);
                if (second) (minusTwo * x * f1).StoreUnsafe(ref p2, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref pa, i);
            double f1 = Math.FusedMultiplyAdd(-x, x, 1.0);
            Unsafe.Add(ref p1, i) = f1;
            if (second) Unsafe.Add(ref p2, i) = -2.0 * x * f1;
        }
    }

    private static void SigmoidDerivatives(ReadOnlySpan<double> a, Span<double> d1, Span<double> d2)
    {
        CheckLength(a.Length, d1.Length, nameof(d1));
        bool second = !d2.IsEmpty;
        if (second) CheckLength(a.Length, d2.Length, nameof(d2));
        int n = a.Length, i = 0;
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double p1 = ref MemoryMarshal.GetReference(d1);
        ref double p2 = ref MemoryMarshal.GetReference(d2);
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(1.0);
            var two = Vector256.Create(2.0);
            for (; i <= n - 4; i += 4)
            {
                var s = Vector256.LoadUnsafe(ref pa, (nuint)i);
                var f1 = Vector256.FusedMultiplyAdd(-s, s, s);
                f1.StoreUnsafe(ref p1, (nuint)i);
                if (second) (f1 * Vector256.FusedMultiplyAdd(-two, s, one)).StoreUnsafe(ref p2, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double s = Unsafe.Add(ref pa, i);
            double f1 = Math.FusedMultiplyAdd(-s, s, s);
            Unsafe.Add(ref p1, i) = f1;
            if (second) Unsafe.Add(ref p2, i) = f1 * Math.FusedMultiplyAdd(-2.0, s, 1.0);
        }
    }

    /// <summary>t ← t ⊙ d + e ⊙ z (the R-backward update Δ̇ = (Δ̇W + ΔV) ⊙ φ' + (ΔW ⊙ φ'') ⊙ Ż).</summary>
    internal static void MultiplyAddProduct(Span<double> t, ReadOnlySpan<double> d, ReadOnlySpan<double> e, ReadOnlySpan<double> z)
    {
        CheckLength(t.Length, d.Length, nameof(d));
        CheckLength(t.Length, e.Length, nameof(e));
        CheckLength(t.Length, z.Length, nameof(z));
        int n = t.Length, i = 0;
        ref double pt = ref MemoryMarshal.GetReference(t);
        ref double pd = ref MemoryMarshal.GetReference(d);
        ref double pe = ref MemoryMarshal.GetReference(e);
        ref double pz = ref MemoryMarshal.GetReference(z);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pe, (nuint)i), Vector256.LoadUnsafe(ref pz, (nuint)i),
                    Vector256.LoadUnsafe(ref pt, (nuint)i) * Vector256.LoadUnsafe(ref pd, (nuint)i));
                r.StoreUnsafe(ref pt, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref pt, i) = Math.FusedMultiplyAdd(Unsafe.Add(ref pe, i), Unsafe.Add(ref pz, i), Unsafe.Add(ref pt, i) * Unsafe.Add(ref pd, i));
    }

    /// <summary>Copies <paramref name="row"/> into each of the <paramref name="rows"/> rows of <paramref name="destination"/> (bias broadcast).</summary>
    internal static void BroadcastRows(ReadOnlySpan<double> row, int rows, Span<double> destination)
    {
        int n = row.Length;
        if (destination.Length < (long)rows * n) CheckLength(rows * n, destination.Length, nameof(destination));
        for (int i = 0; i < rows; i++) row.CopyTo(destination.Slice(i * n, n));
    }

    /// <summary><paramref name="columnSums"/> (+)= Σ_i row i of the rows × n matrix <paramref name="matrix"/>, rows added in order.</summary>
    internal static void AddColumnSums(ReadOnlySpan<double> matrix, int rows, Span<double> columnSums, bool accumulate)
    {
        int n = columnSums.Length;
        if (matrix.Length < (long)rows * n) CheckLength(rows * n, matrix.Length, nameof(matrix));
        if (!accumulate) columnSums.Clear();
        for (int i = 0; i < rows; i++) TensorPrimitives.Add(columnSums, matrix.Slice(i * n, n), columnSums);
    }

    private static void CheckLength(int expected, int actual, string name)
    {
        if (expected != actual) throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
    }

    /// <summary>Scalar twins with <see cref="Math"/> functions.</summary>
    internal static class Reference
    {
        internal static void Relu(Span<double> values, Span<double> firstDerivative)
        {
            for (int i = 0; i < values.Length; i++)
            {
                bool positive = values[i] > 0;
                values[i] = positive ? values[i] : 0.0;
                firstDerivative[i] = positive ? 1.0 : 0.0;
            }
        }

        internal static void Tanh(Span<double> values, Span<double> firstDerivative, Span<double> secondDerivative)
        {
            for (int i = 0; i < values.Length; i++)
            {
                double a = Math.Tanh(values[i]);
                values[i] = a;
                firstDerivative[i] = 1 - a * a;
                if (!secondDerivative.IsEmpty) secondDerivative[i] = -2 * a * (1 - a * a);
            }
        }

        internal static void Sigmoid(Span<double> values, Span<double> firstDerivative, Span<double> secondDerivative)
        {
            for (int i = 0; i < values.Length; i++)
            {
                double s = 1.0 / (1.0 + Math.Exp(-values[i]));
                values[i] = s;
                firstDerivative[i] = s * (1 - s);
                if (!secondDerivative.IsEmpty) secondDerivative[i] = s * (1 - s) * (1 - 2 * s);
            }
        }

        internal static void MultiplyAddProduct(Span<double> t, ReadOnlySpan<double> d, ReadOnlySpan<double> e, ReadOnlySpan<double> z)
        {
            for (int i = 0; i < t.Length; i++) t[i] = t[i] * d[i] + e[i] * z[i];
        }
    }
}
