// The TeX names math.js knows, and what each becomes: [MathML element, its text].

const GREEK = 'alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ iota ι '
  + 'kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς tau τ upsilon υ phi ϕ '
  + 'varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω';

const IDENTIFIERS = 'infty ∞ partial ∂ nabla ∇ emptyset ∅ varnothing ∅ hbar ℏ ell ℓ Re ℜ Im ℑ aleph ℵ';

const OPERATORS = 'cdot ⋅ cdotp ⋅ times × div ÷ pm ± mp ∓ leq ≤ le ≤ geq ≥ ge ≥ neq ≠ ne ≠ approx ≈ equiv ≡ '
  + 'sim ∼ simeq ≃ cong ≅ propto ∝ to → rightarrow → leftarrow ← gets ← Rightarrow ⇒ Leftarrow ⇐ '
  + 'leftrightarrow ↔ Leftrightarrow ⇔ iff ⟺ implies ⟹ mapsto ↦ longrightarrow ⟶ in ∈ notin ∉ ni ∋ '
  + 'subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ setminus ∖ forall ∀ exists ∃ nexists ∄ neg ¬ lnot ¬ '
  + 'land ∧ wedge ∧ lor ∨ vee ∨ oplus ⊕ otimes ⊗ circ ∘ ast ∗ star ⋆ bullet ∙ perp ⊥ parallel ∥ mid ∣ '
  + 'angle ∠ ll ≪ gg ≫ prec ≺ succ ≻ sum ∑ prod ∏ coprod ∐ int ∫ iint ∬ iiint ∭ oint ∮ bigcup ⋃ bigcap ⋂ '
  + 'ldots … dots … cdots ⋯ vdots ⋮ ddots ⋱ prime ′ langle ⟨ rangle ⟩ lfloor ⌊ rfloor ⌋ lceil ⌈ rceil ⌉ '
  + 'uparrow ↑ downarrow ↓ top ⊤ bot ⊥ vdash ⊢ models ⊨ therefore ∴ because ∵ colon : lvert | rvert | '
  + 'lVert ‖ rVert ‖ vert | Vert ‖ { { } } | ‖ % % $ $ # # & & _ _';

function table(text, tag) {
  const words = text.split(' ');
  const out = {};
  for (let i = 0; i + 1 < words.length; i += 2) out[words[i]] = [tag, words[i + 1]];
  return out;
}

/** \name → [tag, text]. */
export const SYMBOLS = { ...table(GREEK, 'mi'), ...table(IDENTIFIERS, 'mi'), ...table(OPERATORS, 'mo') };

/** Operators whose scripts go above and below in display math. */
export const LARGE = new Set(['sum', 'prod', 'coprod', 'bigcup', 'bigcap']);

/** Function names, set upright. */
export const FUNCTIONS = new Set(('sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp '
  + 'lim liminf limsup max min sup inf det dim ker gcd lcm arg deg Pr mod bmod').split(' '));

/** \hat{x} and the like: [the mark, whether it goes under]. */
export const ACCENTS = {
  hat: ['^'], widehat: ['^'], bar: ['‾'], overline: ['‾'], vec: ['→'], overrightarrow: ['→'],
  tilde: ['~'], widetilde: ['~'], dot: ['˙'], ddot: ['¨'], underline: ['_', true],
};

export const SPACES = {
  ',': '0.1667em', ':': '0.2222em', '>': '0.2222em', ';': '0.2778em', ' ': '0.25em', '!': '0',
  quad: '1em', qquad: '2em',
};

/** Delimiters after \left, \right, \big: as commands. */
export const DELIMITERS = {
  '{': '{', '}': '}', '|': '‖', langle: '⟨', rangle: '⟩', lvert: '|', rvert: '|', lVert: '‖', rVert: '‖',
  vert: '|', Vert: '‖', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉',
};

/** Environments: [opening fence, closing fence, column alignment]. */
export const ENVIRONMENTS = {
  matrix: ['', ''], smallmatrix: ['', ''], pmatrix: ['(', ')'], bmatrix: ['[', ']'], Bmatrix: ['{', '}'],
  vmatrix: ['|', '|'], Vmatrix: ['‖', '‖'], cases: ['{', '', 'left'], aligned: ['', '', 'right left'],
  align: ['', '', 'right left'], 'align*': ['', '', 'right left'], gathered: ['', ''], array: ['', ''],
};

const STRUCK = { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' };

/** \mathbb{R} → ℝ: Unicode's double-struck capitals (the block at U+1D538 leaves gaps for the old ones). */
export function doubleStruck(text) {
  return Array.from(text, (c) => {
    if (STRUCK[c]) return STRUCK[c];
    if (c >= 'A' && c <= 'Z') return String.fromCodePoint(0x1D538 + c.charCodeAt(0) - 65);
    return c;
  }).join('');
}
