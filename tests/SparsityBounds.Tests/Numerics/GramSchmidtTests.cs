using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

[TestFixture]
public sealed class GramSchmidtTests
{
    [TestCase(1, 10)]
    [TestCase(7, 33)]
    [TestCase(24, 101)]
    public void OrthogonalizeTwice_BuildsOrthonormalBasis_AndReturnsProjection(int count, int n)
    {
        var basis = new double[count][];
        var coefficients = new double[count];
        var random = new Random(count);
        for (int k = 0; k < count; k++)
        {
            var w = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            // Nearly dependent input: mostly the previous vectors plus a little new direction.
            for (int i = 0; i < k; i++) for (int t = 0; t < n; t++) w[t] += 3 * basis[i][t];
            var original = (double[])w.Clone();
            Array.Clear(coefficients);
            double norm = GramSchmidt.OrthogonalizeTwice(basis, k, w, coefficients);
            // w₀ = Σ c_i v_i + w: the coefficients are the projection of the original vector.
            for (int t = 0; t < n; t++)
            {
                double rebuilt = w[t];
                for (int i = 0; i < k; i++) rebuilt += coefficients[i] * basis[i][t];
                Assert.That(rebuilt, Is.EqualTo(original[t]).Within(1e-12));
            }
            Assert.That(norm, Is.EqualTo(Math.Sqrt(w.Sum(x => x * x))).Within(1e-14));
            basis[k] = w.Select(x => x / norm).ToArray();
        }
        for (int i = 0; i < count; i++)
            for (int j = 0; j <= i; j++)
            {
                double dot = 0;
                for (int t = 0; t < n; t++) dot += basis[i][t] * basis[j][t];
                Assert.That(dot, Is.EqualTo(i == j ? 1.0 : 0.0).Within(1e-14), $"⟨v{i}, v{j}⟩");
            }
    }
}
