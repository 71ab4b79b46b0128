// No favicon request (a 404 in the console otherwise) and no next/font: nothing fetched.
export const metadata = { title: 'rolecall with Next.js', icons: { icon: 'data:,' } };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
