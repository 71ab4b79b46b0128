// A server component: the signed-in user's snapshot, made by the full build in Node, handed with
// the policy's JSON (what the browser's lean build reads) to a client component.
import { evaluator, userOf } from '../lib/rolecall';
import Refund from './refund';

export default async function Page({ searchParams }) {
  const params = new URLSearchParams(await searchParams);
  const user = userOf(params);
  const scope = params.get('scope') ?? 'acme-cl';
  if (user === undefined) return <main>Sign in first.</main>;
  return (
    <main>
      <h1>Refunds at {scope}</h1>
      <Refund policy={evaluator.policy.toJSON()} snapshot={evaluator.snapshot(user)} scope={scope} user={user} />
    </main>
  );
}
