import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import { start } from './session.js';
import './styles.css';

createRoot(document.getElementById('root')).render(<App />);
start();
