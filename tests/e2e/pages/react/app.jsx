// A small React app that re-renders its list on a timer and on demand, to
// show that the non-destructive mode leaves a framework's DOM alone.
import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';

const STORIES = [
  'Ilham Aliyev met Nikol Pashinyan in Washington.',
  'A new railway will link Baku with Kars through Georgia.',
  'Officials in Yerevan welcomed the agreement.',
  'Trade through Central Asia grew again this year.',
];

function App() {
  const [count, setCount] = useState(2);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    window.addStory = () => setCount((n) => Math.min(n + 1, STORIES.length));
    window.rerender = () => setTick((n) => n + 1);
    window.reactRenders = (window.reactRenders ?? 0) + 1;
  });
  return (
    <article>
      <h2>Live from the region ({tick})</h2>
      <ul>
        {STORIES.slice(0, count).map((story, index) => (
          <li key={`${index}-${tick}`}>{story} <b>Update {tick}</b></li>
        ))}
      </ul>
      <button type="button" onClick={() => setTick((n) => n + 1)}>Refresh</button>
    </article>
  );
}

createRoot(document.getElementById('app')).render(<App />);
