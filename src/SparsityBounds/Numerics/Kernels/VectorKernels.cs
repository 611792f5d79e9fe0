using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// BLAS-1 style kernels on spans. Plain operations delegate to <see cref="TensorPrimitives"/>; fused
/// operations that a single pass makes cheaper (the Lanczos update) are hand-written on Vector256.
/// Each kernel has a scalar twin in <see cref="Reference"/> that defines its semantics and is used by tests
/// and benchmarks.
/// </summary>
/// <remarks>
/// Implementation note: results of reductions may differ from the scalar twin in the last bits because the
/// summation order differs; for a fixed machine and length they are bitwise reproducible.
/// </remarks>
internal static class VectorKernels
{
    /// <summary>Returns xᵀy.</summary>
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) ThrowLengthMismatch(nameof(y), x.Length, y.Length);
        return TensorPrimitives.Dot(x, y);
    }

    /// <summary>y ← αx + y. Exact aliasing of x and y is allowed.</summary>
    internal static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != y.Length) ThrowLengthMismatch(nameof(y), x.Length, y.Length);
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }

    /// <summary>destination ← αx.</summary>
    internal static void Scale(double alpha, ReadOnlySpan<double> x, Span<double> destination)
    {
        if (x.Length != destination.Length) ThrowLengthMismatch(nameof(destination), x.Length, destination.Length);
        TensorPrimitives.Multiply(x, alpha, destination);
    }

    /// <summary>destination ← αx + βy.</summary>
    internal static void ScaledSum(double alpha, ReadOnlySpan<double> x, double beta, ReadOnlySpan<double> y, Span<double> destination)
    {
        if (x.Length != y.Length) ThrowLengthMismatch(nameof(y), x.Length, y.Length);
        if (x.Length != destination.Length) ThrowLengthMismatch(nameof(destination), x.Length, destination.Length);
        int i = 0;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        ref double pd = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            var vb = Vector256.Create(beta);
            for (; i <= x.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var r = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref px, (nuint)i), vb * Vector256.LoadUnsafe(ref py, (nuint)i));
                r.StoreUnsafe(ref pd, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
            Unsafe.Add(ref pd, i) = Math.FusedMultiplyAdd(alpha, Unsafe.Add(ref px, i), beta * Unsafe.Add(ref py, i));
    }

    /// <summary>Returns ‖x‖₂.</summary>
    internal static double Norm(ReadOnlySpan<double> x) => TensorPrimitives.Norm(x);

    /// <summary>
    /// The Lanczos update in one pass: r ← Av − αv − βv_prev; returns ‖r‖². <paramref name="r"/> may alias
    /// <paramref name="hv"/> exactly (in-place update of the product buffer).
    /// </summary>
    internal static double LanczosResidual(ReadOnlySpan<double> hv, ReadOnlySpan<double> v, ReadOnlySpan<double> vPrev,
        double alpha, double beta, Span<double> r)
    {
        int n = hv.Length;
        if (v.Length != n) ThrowLengthMismatch(nameof(v), n, v.Length);
        if (vPrev.Length != n) ThrowLengthMismatch(nameof(vPrev), n, vPrev.Length);
        if (r.Length != n) ThrowLengthMismatch(nameof(r), n, r.Length);
        ref double ph = ref MemoryMarshal.GetReference(hv);
        ref double pv = ref MemoryMarshal.GetReference(v);
        ref double pp = ref MemoryMarshal.GetReference(vPrev);
        ref double pr = ref MemoryMarshal.GetReference(r);
        int i = 0;
        double sum = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count)
        {
            var na = Vector256.Create(-alpha);
            var nb = Vector256.Create(-beta);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            const int W = 4; // Vector256<double>.Count
            for (; i <= n - 2 * W; i += 2 * W)
            {
                var x0 = Vector256.FusedMultiplyAdd(nb, Vector256.LoadUnsafe(ref pp, (nuint)i),
                    Vector256.FusedMultiplyAdd(na, Vector256.LoadUnsafe(ref pv, (nuint)i), Vector256.LoadUnsafe(ref ph, (nuint)i)));
                var x1 = Vector256.FusedMultiplyAdd(nb, Vector256.LoadUnsafe(ref pp, (nuint)(i + W)),
                    Vector256.FusedMultiplyAdd(na, Vector256.LoadUnsafe(ref pv, (nuint)(i + W)), Vector256.LoadUnsafe(ref ph, (nuint)(i + W))));
                x0.StoreUnsafe(ref pr, (nuint)i);
                x1.StoreUnsafe(ref pr, (nuint)(i + W));
                acc0 = Vector256.FusedMultiplyAdd(x0, x0, acc0);
                acc1 = Vector256.FusedMultiplyAdd(x1, x1, acc1);
            }
            for (; i <= n - W; i += W)
            {
                var x0 = Vector256.FusedMultiplyAdd(nb, Vector256.LoadUnsafe(ref pp, (nuint)i),
                    Vector256.FusedMultiplyAdd(na, Vector256.LoadUnsafe(ref pv, (nuint)i), Vector256.LoadUnsafe(ref ph, (nuint)i)));
                x0.StoreUnsafe(ref pr, (nuint)i);
                acc0 = Vector256.FusedMultiplyAdd(x0, x0, acc0);
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            double x = Math.FusedMultiplyAdd(-beta, Unsafe.Add(ref pp, i), Math.FusedMultiplyAdd(-alpha, Unsafe.Add(ref pv, i), Unsafe.Add(ref ph, i)));
            Unsafe.Add(ref pr, i) = x;
            sum = Math.FusedMultiplyAdd(x, x, sum);
        }
        return sum;
    }

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    /// <summary>Scalar twins: the reference semantics of each kernel, one element at a time.</summary>
    internal static class Reference
    {
        internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
            return s;
        }

        internal static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
        }

        internal static void Scale(double alpha, ReadOnlySpan<double> x, Span<double> destination)
        {
            for (int i = 0; i < x.Length; i++) destination[i] = alpha * x[i];
        }

        internal static void ScaledSum(double alpha, ReadOnlySpan<double> x, double beta, ReadOnlySpan<double> y, Span<double> destination)
        {
            for (int i = 0; i < x.Length; i++) destination[i] = alpha * x[i] + beta * y[i];
        }

        internal static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Dot(x, x));

        internal static double LanczosResidual(ReadOnlySpan<double> hv, ReadOnlySpan<double> v, ReadOnlySpan<double> vPrev,
            double alpha, double beta, Span<double> r)
        {
            double sum = 0;
            for (int i = 0; i < hv.Length; i++)
            {
                r[i] = hv[i] - alpha * v[i] - beta * vPrev[i];
                sum += r[i] * r[i];
            }
            return sum;
        }
    }
}
