// Nothing rolecall-specific (see docs/environments.md, Next.js).
export default {};
