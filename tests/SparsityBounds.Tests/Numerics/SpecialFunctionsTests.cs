using SparsityBounds.Numerics;
using MathNetSpecial = MathNet.Numerics.SpecialFunctions;

namespace SparsityBounds.Tests.Numerics;

// Expected values: mpmath 1.3.0 at 40 digits (loggamma, log(beta), erfc, exp(x²)·erfc, betainc(regularized=True)),
// printed to 18 significant digits. MathNet is a second, independent implementation.
[TestFixture]
public class SpecialFunctionsTests
{
    [TestCase(0.5, 0.572364942924700087)]
    [TestCase(1.0, 0.0)]
    [TestCase(1.5, -0.120782237635245222)]
    [TestCase(2.0, 0.0)]
    [TestCase(3.7, 1.42807232666538792)]
    [TestCase(10.0, 12.8018274800814696)]
    [TestCase(14.9, 24.9241320022172774)]
    [TestCase(15.0, 25.1912211827386815)]
    [TestCase(15.1, 25.458999750992664)]
    [TestCase(100.5, 361.435540467777622)]
    [TestCase(2499.5, 17053.2101030164148)]
    [TestCase(1e6, 12815504.5691476117)]
    [TestCase(1e-5, 11.5129196928958257)]
    public void LogGamma_MatchesMpmath(double x, double expected) =>
        Assert.That(SpecialFunctions.LogGamma(x), Is.EqualTo(expected).Within(2e-15 * Math.Max(1.0, Math.Abs(expected)) + 1e-14));

    [Test]
    public void LogGamma_MatchesFactorialsAndMathNet()
    {
        double logFactorial = 0;
        for (int n = 1; n <= 170; n++)
        {
            Assert.That(SpecialFunctions.LogGamma(n), Is.EqualTo(logFactorial).Within(1e-14 * Math.Max(1, logFactorial) + 1e-14), $"ln Γ({n})");
            logFactorial += Math.Log(n);
        }
        for (double x = 0.013; x < 400; x *= 1.37)
            Assert.That(SpecialFunctions.LogGamma(x), Is.EqualTo(MathNetSpecial.GammaLn(x)).Within(1e-13 * Math.Max(1, Math.Abs(MathNetSpecial.GammaLn(x)))), $"x = {x}");
    }

    // mpmath loggamma(x + h) − loggamma(x). A direct difference of two doubles would lose ~1e-12 at x = 2499.5 (MathNet does).
    [TestCase(20.0, 0.5, 1.491616787331304073551)]
    [TestCase(2499.5, 0.5, 3.911872985425145658571)]
    [TestCase(3.0, 7.25, 12.67487649091610098601)]
    [TestCase(17.0, 40.0, 141.6809370330821287601)]
    public void LogGammaDifference_MatchesMpmath(double x, double h, double expected) =>
        Assert.That(SpecialFunctions.LogGammaDifference(x, h), Is.EqualTo(expected).Within(4e-15 * expected));

    [Test]
    public void LogGammaDifference_FollowsTheAsymptoticSeriesForHugeArguments()
    {
        // ln Γ(x + ½) − ln Γ(x) = ½ ln x − 1/(8x) + O(x⁻³).
        const double x = 1e8;
        Assert.That(SpecialFunctions.LogGammaDifference(x, 0.5), Is.EqualTo(0.5 * Math.Log(x) - 1.0 / (8 * x)).Within(4e-15 * Math.Log(x)));
    }

    [TestCase(0.5, 0.5, 1.14472988584940017)]
    [TestCase(3.0, 4.5, -4.38748048535634543)]
    [TestCase(2499.5, 0.5, -3.33950804250044557)]
    [TestCase(1000.0, 1000.0, -1388.48260163590225)]
    [TestCase(20.5, 7.0, -15.4942386423356046)]
    [TestCase(1e5, 2.5, -28.4976495418276531)]
    public void LogBeta_MatchesMpmath(double a, double b, double expected)
    {
        Assert.That(SpecialFunctions.LogBeta(a, b), Is.EqualTo(expected).Within(4e-15 * Math.Max(1, Math.Abs(expected))));
        Assert.That(SpecialFunctions.LogBeta(b, a), Is.EqualTo(expected).Within(4e-15 * Math.Max(1, Math.Abs(expected))), "symmetric");
    }

    [TestCase(-2.0, 1.99532226501895273)]
    [TestCase(-0.3, 1.32862675945912743)]
    [TestCase(0.0, 1.0)]
    [TestCase(1e-3, 0.998871621209030764)]
    [TestCase(0.3, 0.671373240540872572)]
    [TestCase(0.9, 0.203091787577167871)]
    [TestCase(1.2, 0.0896860217703646198)]
    [TestCase(1.3, 0.0659920550593475634)]
    [TestCase(2.0, 0.00467773498104726584)]
    [TestCase(3.5, 7.43098372341412746e-7)]
    [TestCase(6.0, 2.15197367124989131e-17)]
    [TestCase(10.0, 2.08848758376254476e-45)]
    [TestCase(26.0, 5.66319240885614285e-296)]
    public void Erfc_MatchesMpmathToFewUlp(double x, double expected) =>
        Assert.That(SpecialFunctions.Erfc(x), Is.EqualTo(expected).Within(4e-15 * expected));

    [TestCase(0.0, 1.0)]
    [TestCase(1e-3, 0.998872620081151409)]
    [TestCase(0.3, 0.734599334567655142)]
    [TestCase(1.2, 0.378537416929239722)]
    [TestCase(2.0, 0.255395676310505744)]
    [TestCase(6.0, 0.0927765678005383544)]
    [TestCase(26.0, 0.0216835848505629066)]
    public void ScaledErfc_MatchesMpmath(double x, double expected) =>
        Assert.That(SpecialFunctions.ScaledErfc(x), Is.EqualTo(expected).Within(4e-15 * expected));

    [Test]
    public void Erfc_AgreesWithMathNetAcrossTheRange()
    {
        for (double x = -5; x <= 25; x += 0.0173)
        {
            double expected = MathNetSpecial.Erfc(x);
            Assert.That(SpecialFunctions.Erfc(x), Is.EqualTo(expected).Within(1e-13 * expected), $"x = {x}");
        }
    }

    [TestCase(2.0, 3.0, 0.4, 0.5248)]
    [TestCase(0.5, 0.5, 0.2, 0.295167235300866548)]
    [TestCase(4.5, 0.5, 0.75, 0.11730680301423816)]
    [TestCase(4.5, 0.5, 0.999, 0.926461383368851199)]
    [TestCase(2499.5, 0.5, 0.9990, 0.025332663683326613492)]   // at the double nearest 0.999
    [TestCase(100.0, 200.0, 0.33, 0.456618163333997169)]
    [TestCase(0.5, 30.0, 0.01, 0.560665631094748784)]
    [TestCase(10.0, 10.0, 0.5, 0.5)]
    public void RegularizedIncompleteBeta_MatchesMpmath(double a, double b, double x, double expected)
    {
        // The continued fraction converges slowly near the mean for large a and loses up to ~3 digits to rounding in the
        // Lentz recurrence there (measured 1.2e-13 at a = 2499.5, x = 0.999); elsewhere it is good to a few ulp.
        Assert.That(SpecialFunctions.RegularizedIncompleteBeta(a, b, x), Is.EqualTo(expected).Within(5e-13 * expected));
        Assert.That(Math.Exp(SpecialFunctions.LogRegularizedIncompleteBeta(a, b, x, 1 - x)), Is.EqualTo(expected).Within(5e-13 * expected), "log form");
    }

    [Test]
    public void LogRegularizedIncompleteBeta_StaysAccurateFarBelowTheSmallestDouble()
    {
        // mpmath: I_{0.5}(2499.5, 0.5) = 6.0038635239216441e-755.
        double expected = Math.Log(6.0038635239216441) - 755 * Math.Log(10);
        Assert.That(SpecialFunctions.LogRegularizedIncompleteBeta(2499.5, 0.5, 0.5, 0.5), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
        Assert.That(SpecialFunctions.RegularizedIncompleteBeta(2499.5, 0.5, 0.5), Is.EqualTo(0.0), "underflows in linear space");
    }

    [Test]
    public void RegularizedIncompleteBeta_SatisfiesClosedFormsAndSymmetry()
    {
        foreach (double x in new[] { 1e-6, 0.01, 0.2, 0.5, 0.77, 0.999 })
        {
            foreach (double a in new[] { 0.3, 1.0, 2.5, 17.0, 300.0 })
            {
                // I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
                Assert.That(SpecialFunctions.RegularizedIncompleteBeta(a, 1, x), Is.EqualTo(Math.Pow(x, a)).Within(1e-13 * Math.Pow(x, a) + 1e-300), $"a = {a}, x = {x}");
                double oneMinus = -ExpMinusOne(a * LogOneMinus(x));
                Assert.That(SpecialFunctions.RegularizedIncompleteBeta(1, a, x), Is.EqualTo(oneMinus).Within(1e-13 * oneMinus), $"b = {a}, x = {x}");
                foreach (double b in new[] { 0.5, 3.0, 40.0 })
                {
                    double direct = SpecialFunctions.RegularizedIncompleteBeta(a, b, x);
                    double mirrored = SpecialFunctions.RegularizedIncompleteBeta(b, a, 1 - x, x);   // pass x itself as 1 − (1 − x)
                    Assert.That(direct + mirrored, Is.EqualTo(1.0).Within(1e-13), $"a = {a}, b = {b}, x = {x}");
                    Assert.That(direct, Is.EqualTo(MathNetSpecial.BetaRegularized(a, b, x)).Within(1e-11 * Math.Max(direct, 1e-300) + 1e-300), $"MathNet a = {a}, b = {b}, x = {x}");
                }
            }
            // I_x(½, ½) = (2/π) arcsin √x.
            Assert.That(SpecialFunctions.RegularizedIncompleteBeta(0.5, 0.5, x), Is.EqualTo(2 / Math.PI * Math.Asin(Math.Sqrt(x))).Within(1e-14));
        }
    }

    // e^u − 1 by its series for small |u| (the runtime's double.ExpM1 is Exp(u) − 1 as written).
    private static double ExpMinusOne(double u)
    {
        if (Math.Abs(u) > 1e-3) return Math.Exp(u) - 1;
        double sum = 0, term = 1;
        for (int n = 1; n < 12; n++) { term *= u / n; sum += term; }
        return sum;
    }

    // ln(1 − x) by its series for small x (Math.Log(1 − x) would lose digits to the rounding of 1 − x).
    private static double LogOneMinus(double x)
    {
        if (x > 0.01) return Math.Log(1 - x);
        double sum = 0, power = x;
        for (int n = 1; n < 30; n++) { sum -= power / n; power *= x; }
        return sum;
    }

    [Test]
    public void LogOnePlus_IsAccurateForTinyArguments()
    {
        Assert.That(SpecialFunctions.LogOnePlus(1e-20), Is.EqualTo(1e-20));
        Assert.That(SpecialFunctions.LogOnePlus(1e-10), Is.EqualTo(1e-10 - 5e-21).Within(1e-26));
        Assert.That(SpecialFunctions.LogOnePlus(3.0), Is.EqualTo(Math.Log(4.0)).Within(1e-15));
    }

    [Test]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogGamma(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogGamma(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.RegularizedIncompleteBeta(-1, 1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.RegularizedIncompleteBeta(1, 1, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.RegularizedIncompleteBeta(1, 1, 0.5, 0.6));
        Assert.That(SpecialFunctions.Erfc(double.NaN), Is.NaN);
    }
}
